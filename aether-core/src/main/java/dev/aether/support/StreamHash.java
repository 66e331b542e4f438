package dev.aether.support;

import dev.aether.InvalidInputException;

/**
 * The one stable hash of a stream id: 32-bit FNV-1a over the id's UTF-8 bytes, read unsigned. The JetStream
 * store uses it to pick an id's partition stream and the cluster to pick its shard, so that shards line up
 * with partition streams (a shard lives in exactly one partition when the partition count divides the shard
 * count).
 *
 * <p><b>Language-neutral:</b> the hash is defined on bytes (offset basis {@code 0x811c9dc5}, prime
 * {@code 0x01000193}, XOR then multiply, modulo 2^32), never on Java's {@code String.hashCode}, so a client
 * in any language computes the same partition and shard. {@code StreamHashTest} lists test vectors to check
 * another implementation against. A string with an unpaired UTF-16 surrogate (which has no UTF-8 form, and
 * which the stores refuse as a stream id) hashes as if the surrogate were {@code '?'}, like
 * {@link String#getBytes(java.nio.charset.Charset)}.
 *
 * <p>Stateless and safe for concurrent use; allocates nothing.
 */
public final class StreamHash {

  private static final int OFFSET_BASIS = 0x811c9dc5;
  private static final int PRIME = 0x01000193;

  private StreamHash() {}

  /**
   * The 32-bit FNV-1a hash of a stream id's UTF-8 bytes.
   *
   * @param streamId the stream id (any string; see the class for unpaired surrogates)
   * @return the hash as an {@code int}; read it unsigned ({@link Integer#toUnsignedLong(int)})
   * @throws InvalidInputException naming {@code streamId} when it is null
   */
  public static int fnv1a32(String streamId) {
    Checks.notNull(streamId, "streamId");
    int hash = OFFSET_BASIS;
    int length = streamId.length();
    for (int i = 0; i < length; i++) {
      char c = streamId.charAt(i);
      if (c < 0x80) {
        hash = step(hash, c);
      } else if (c < 0x800) {
        hash = step(step(hash, 0xc0 | (c >> 6)), 0x80 | (c & 0x3f));
      } else if (!Character.isSurrogate(c)) {
        hash = step(step(step(hash, 0xe0 | (c >> 12)), 0x80 | ((c >> 6) & 0x3f)), 0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(streamId.charAt(i + 1))) {
        hash = supplementary(hash, Character.toCodePoint(c, streamId.charAt(++i)));
      } else {
        hash = step(hash, '?');
      }
    }
    return hash;
  }

  /**
   * The bucket of a stream id among {@code count}: its {@linkplain #fnv1a32(String) hash}, unsigned, modulo
   * {@code count}. The JetStream store's partition and the cluster's shard.
   *
   * @param streamId the stream id
   * @param count the number of buckets, at least 1
   * @return a bucket in {@code 0 .. count - 1}
   * @throws InvalidInputException naming {@code count} when it is below 1, {@code streamId} when it is null
   */
  public static int bucket(String streamId, int count) {
    if (count < 1) {
      throw new InvalidInputException("count", "must be >= 1, was " + count);
    }
    return Integer.remainderUnsigned(fnv1a32(streamId), count);
  }

  private static int supplementary(int hash, int codePoint) {
    hash = step(hash, 0xf0 | (codePoint >> 18));
    hash = step(hash, 0x80 | ((codePoint >> 12) & 0x3f));
    hash = step(hash, 0x80 | ((codePoint >> 6) & 0x3f));
    return step(hash, 0x80 | (codePoint & 0x3f));
  }

  private static int step(int hash, int octet) {
    return (hash ^ octet) * PRIME;
  }
}
