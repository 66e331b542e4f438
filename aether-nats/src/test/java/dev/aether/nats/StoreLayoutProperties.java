package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.support.StreamHash;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the stream, subject and bucket names of a namespace. */
class StoreLayoutProperties {

  @Property(tries = 500)
  void namespaces_neverShareAStreamSubjectOrBucket(
      @ForAll @Size(min = 2, max = 40) List<@net.jqwik.api.From("namespaces") String> namespaces) {
    Map<String, String> owners = new HashMap<>();
    for (String namespace : namespaces.stream().distinct().toList()) {
      StoreLayout layout = new StoreLayout("aether", namespace, 2);
      for (String name : List.of(layout.streamName(0), layout.streamName(1), layout.streamSubject(0),
          layout.bucketName())) {
        String previous = owners.put(name, namespace);
        assertThat(previous).as(name).isNull();
      }
    }
  }

  @Property(tries = 300)
  void namespaceToken_isOneSubjectTokenAndAStreamNameFragment(@ForAll("namespaces") String namespace) {
    assertThat(StoreLayout.namespaceToken(namespace)).matches("[A-Za-z0-9_-]+");
  }

  @Property(tries = 300)
  void partition_isStableAndInRange(@ForAll("ids") String streamId, @ForAll @IntRange(min = 1, max = 1024) int count) {
    int partition = StoreLayout.partition(streamId, count);
    assertThat(partition).isBetween(0, count - 1).isEqualTo(StoreLayout.partition(streamId, count));
  }

  @Property(tries = 500)
  void partition_isTheSharedStreamHashBucket(@ForAll String streamId,
      @ForAll @IntRange(min = 1, max = 1024) int count) {
    assertThat(StoreLayout.partition(streamId, count)).isEqualTo(StreamHash.bucket(streamId, count));
  }

  @Example
  void partition_isFnv1aOfTheUtf8Bytes() {
    // FNV-1a 32 of "a" is 0xe40c292c, of "foobar" 0xbf9cf968 (published test vectors)
    assertThat(StoreLayout.partition("a", 1 << 30)).isEqualTo(0xe40c292c & ((1 << 30) - 1));
    assertThat(StoreLayout.partition("foobar", 1000)).isEqualTo(Integer.remainderUnsigned(0xbf9cf968, 1000));
  }

  @Example
  void address_placesTheActorOnItsPartitionSubject() {
    StoreLayout layout = new StoreLayout("aether", "shop.eu", 4);
    StoreLayout.ActorAddress address = layout.address("order.1");
    int p = StoreLayout.partition("order.1", 4);
    assertThat(address.stream()).isEqualTo("aether_shop_deu_EVENTS_" + p);
    assertThat(address.subject()).isEqualTo("aether.shop_deu.events." + p + "." + ActorTokens.encode("order.1"));
    assertThat(StoreLayout.describedPartitions(layout.description(p))).hasValue(4);
  }

  @Provide
  Arbitrary<String> namespaces() {
    Arbitrary<String> token = Arbitraries.strings().withChars("ab_-d").ofMinLength(1).ofMaxLength(4);
    return token.list().ofMinSize(1).ofMaxSize(3).map(tokens -> String.join(".", tokens));
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(50);
  }
}
