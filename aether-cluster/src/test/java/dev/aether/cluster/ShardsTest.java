package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.support.StreamHash;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardsTest {

  @Test
  void defaults_are1024Shards() {
    assertThat(Shards.defaults().count()).isEqualTo(1024).isEqualTo(Shards.DEFAULT_COUNT);
  }

  @Test
  void shardOf_isTheStreamHashBucket() {
    Shards shards = Shards.defaults();
    assertThat(shards.shardOf("Account/acc-42")).isEqualTo(55);
    assertThat(shards.shardOf("order.1")).isEqualTo(190);
    for (String id : randomIds(2000)) {
      assertThat(shards.shardOf(id)).isEqualTo(StreamHash.bucket(id, 1024));
    }
  }

  @Test
  void eachShard_livesInExactlyOnePartition_whenThePartitionCountDividesTheShardCount() {
    Shards shards = Shards.defaults();
    for (int partitions = 1; partitions <= 1024; partitions *= 2) {
      assertThat(shards.alignsWith(partitions)).isTrue();
      int[] partitionOfShard = new int[1024];
      java.util.Arrays.fill(partitionOfShard, -1);
      for (String id : randomIds(4000)) {
        int shard = shards.shardOf(id);
        int partition = StreamHash.bucket(id, partitions);
        assertThat(shards.partitionOf(shard, partitions)).isEqualTo(partition);
        assertThat(partitionOfShard[shard]).isIn(-1, partition);
        partitionOfShard[shard] = partition;
      }
    }
  }

  @Test
  void aShardIsSpreadOverPartitions_whenThePartitionCountDoesNotDivide() {
    Shards shards = Shards.defaults();
    assertThat(shards.alignsWith(3)).isFalse();
    assertThatThrownBy(() -> shards.partitionOf(0, 3)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("partitions");
    // the store would still place each id, but one shard's ids land in several partitions
    boolean spread = false;
    int[] first = new int[1024];
    java.util.Arrays.fill(first, -1);
    for (String id : randomIds(4000)) {
      int shard = shards.shardOf(id);
      int partition = StreamHash.bucket(id, 3);
      spread |= first[shard] >= 0 && first[shard] != partition;
      first[shard] = first[shard] < 0 ? partition : first[shard];
    }
    assertThat(spread).isTrue();
  }

  @Test
  void count_mustBeAPowerOfTwoInRange() {
    for (int bad : new int[] {0, -1, 3, 1000, 1025, Shards.MAX_COUNT * 2}) {
      assertThatThrownBy(() -> new Shards(bad)).isInstanceOf(InvalidInputException.class)
          .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("shards");
    }
    assertThat(new Shards(1).shardOf("anything")).isZero();
    assertThat(new Shards(Shards.MAX_COUNT).count()).isEqualTo(65536);
  }

  @Test
  void check_refusesAShardOutOfRange() {
    assertThatThrownBy(() -> Shards.defaults().check(1024)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("shard");
    assertThatThrownBy(() -> Shards.defaults().check(-1)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Shards.defaults().alignsWith(0)).isInstanceOf(InvalidInputException.class);
  }

  private static String[] randomIds(int count) {
    Random random = new Random(13);
    String[] ids = new String[count];
    for (int i = 0; i < count; i++) {
      ids[i] = "Type" + random.nextInt(5) + "/" + Long.toString(random.nextLong(), 36) + (i % 7 == 0 ? "\u00e9" : "");
    }
    return ids;
  }
}
