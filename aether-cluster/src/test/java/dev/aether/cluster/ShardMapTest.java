package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.cluster.ShardMapFormatException.Problem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShardMapTest {

  @Test
  void aNewCluster_hasEpochZeroNoMembersAndNoOwners() {
    ShardMap map = Maps.empty();
    assertThat(map.epoch()).isZero();
    assertThat(map.members()).isEmpty();
    assertThat(map.owner(0)).isEmpty();
    assertThat(map.ownerOf("Account/acc-42")).isEmpty();
  }

  @Test
  void next_placesEveryShard_andGrowsTheEpoch() {
    ShardMap map = Maps.empty().next(List.of("b", "a", "c"));
    assertThat(map.epoch()).isEqualTo(1);
    assertThat(map.members()).containsExactly("a", "b", "c");
    assertThat(map.loads().values()).allSatisfy(load -> assertThat(load).isBetween(1, 376));
    assertThat(map.shardsOf("a").size() + map.shardsOf("b").size() + map.shardsOf("c").size()).isEqualTo(1024);
    assertThat(map.ownerOf("Account/acc-42")).isEqualTo(map.owner(55));
    assertThat(map.shardsOf("not-a-member")).isEmpty();
  }

  @Test
  void next_withNoMembers_leavesEveryShardUnowned() {
    ShardMap none = Maps.empty().next(List.of("a", "b")).next(List.of());
    assertThat(none.epoch()).isEqualTo(2);
    assertThat(none.owner(7)).isEmpty();
    assertThat(Maps.empty().next(List.of("a", "b")).movesTo(none)).hasSize(1024)
        .allSatisfy(move -> assertThat(move.to()).isEmpty());
  }

  @Test
  void next_refusesBadMembers() {
    assertThatThrownBy(() -> Maps.empty().next(List.of("a", "a"))).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("members");
    assertThatThrownBy(() -> Maps.empty().next(List.of("a.b"))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Maps.empty().next(null)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void movesTo_refusesAMapOfOtherShards() {
    ShardMap other = ShardMap.create(new Shards(64), PlacementConfig.defaults());
    assertThatThrownBy(() -> Maps.empty().movesTo(other)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("later");
  }

  @Test
  void shardMove_refusesAMoveToTheSameOwner() {
    assertThatThrownBy(() -> new ShardMove(1, Optional.of("a"), Optional.of("a")))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void encoding_isVersionedJsonWithInternedNodes() {
    ShardMap map = ShardMap.create(new Shards(4), PlacementConfig.defaults()).next(List.of("n2", "n1"));
    String json = new String(map.encode(), StandardCharsets.UTF_8);
    assertThat(json).startsWith("{\"format\":1,\"epoch\":1,\"shards\":4,\"virtualNodes\":150,\"loadCapPercent\":110,"
        + "\"nodes\":[\"n1\",\"n2\"],\"owners\":[");
    assertThat(ShardMap.decode(map.encode())).isEqualTo(map);
  }

  @Test
  void theEncodedMapOf1024ShardsOn100Nodes_isAFewKilobytes() {
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      nodes.add("node-" + java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) i}));
    }
    ShardMap map = Maps.empty().next(nodes);
    byte[] encoded = map.encode();
    // 41-character ids: 7,461 bytes (4.4 KB of node table, 3 KB of owners), 0.7 % of NATS' 1 MiB
    assertThat(encoded.length).isLessThan(8 * 1024);
    assertThat(ShardMap.decode(encoded)).isEqualTo(map);
    ShardMap largest = ShardMap.create(new Shards(Shards.MAX_COUNT), PlacementConfig.defaults()).next(nodes);
    assertThat(largest.encode().length).isLessThan(ShardMap.MAX_ENCODED_BYTES / 2);
  }

  @Test
  void decode_refusesEachMalformedInput_withItsProblemAndField() {
    String nodes = "\"nodes\":[\"a\",\"b\"]";
    String owners = "\"owners\":[0,1,-1,1]";
    String good = "{\"format\":1,\"epoch\":3,\"shards\":4,\"virtualNodes\":150,\"loadCapPercent\":110,"
        + nodes + "," + owners + "}";
    assertThat(ShardMap.decode(bytes(good)).owner(2)).isEmpty();

    refused("", Problem.MALFORMED, "$");
    refused("[]", Problem.MALFORMED, "$");
    refused("{\"format\":1", Problem.MALFORMED, "$");
    refused(good + "x", Problem.MALFORMED, "$");
    refused(good + "{}", Problem.MALFORMED, "$");
    refused(good.replace("{\"format\":1,", "{\"format\":2,"), Problem.UNSUPPORTED_FORMAT, "format");
    refused(good.replace("{\"format\":1,\"epoch\":3,", "{\"epoch\":3,\"format\":1,"),
        Problem.UNSUPPORTED_FORMAT, "format");
    refused(good.replace("\"format\":1", "\"format\":\"1\""), Problem.MALFORMED, "format");
    refused(good.replace("\"epoch\":3,", ""), Problem.MISSING_FIELD, "epoch");
    refused(good.replace("," + owners, ""), Problem.MISSING_FIELD, "owners");
    refused(good.replace("\"epoch\":3,", "\"epoch\":3,\"epoch\":4,"), Problem.DUPLICATE_FIELD, "epoch");
    refused(good.replace("\"epoch\":3,", "\"epoch\":3,\"format\":1,"), Problem.DUPLICATE_FIELD, "format");
    refused(good.replace("\"epoch\":3,", "\"epoch\":3,\"next\":[],"), Problem.UNKNOWN_FIELD, "next");
    refused(good.replace("\"epoch\":3", "\"epoch\":-1"), Problem.INVALID_VALUE, "epoch");
    refused(good.replace("\"epoch\":3", "\"epoch\":3.5"), Problem.MALFORMED, "epoch");
    refused(good.replace("\"epoch\":3", "\"epoch\":99999999999999999999"), Problem.INVALID_VALUE, "epoch");
    refused(good.replace("\"shards\":4", "\"shards\":3"), Problem.INVALID_VALUE, "shards");
    refused(good.replace("\"shards\":4", "\"shards\":0"), Problem.INVALID_VALUE, "shards");
    refused(good.replace("\"virtualNodes\":150", "\"virtualNodes\":0"), Problem.INVALID_VALUE, "virtualNodes");
    refused(good.replace("\"loadCapPercent\":110", "\"loadCapPercent\":50"), Problem.INVALID_VALUE, "loadCapPercent");
    refused(good.replace(nodes, "\"nodes\":[\"b\",\"a\"]"), Problem.INVALID_VALUE, "nodes[1]");
    refused(good.replace(nodes, "\"nodes\":[\"a\",\"a\"]"), Problem.INVALID_VALUE, "nodes[1]");
    refused(good.replace(nodes, "\"nodes\":[\"a\",\"b.c\"]"), Problem.INVALID_VALUE, "nodes[1]");
    refused(good.replace(nodes, "\"nodes\":[\"a\",2]"), Problem.MALFORMED, "nodes[1]");
    refused(good.replace(nodes, "\"nodes\":\"a\""), Problem.MALFORMED, "nodes");
    refused(good.replace(owners, "\"owners\":[0,1,-1]"), Problem.INCONSISTENT, "owners");
    refused(good.replace(owners, "\"owners\":[0,1,-1,1,0]"), Problem.INCONSISTENT, "owners");
    refused(good.replace(owners, "\"owners\":[0,1,2,1]"), Problem.INCONSISTENT, "owners[2]");
    refused(good.replace(owners, "\"owners\":[0,1,-2,1]"), Problem.INCONSISTENT, "owners[2]");
    refused(good.replace(owners, "\"owners\":[0,1,null,1]"), Problem.MALFORMED, "owners[2]");
    refused(good.replace(owners, "\"owners\":[0,1,\"a\",1]"), Problem.MALFORMED, "owners[2]");
    refused(good.replace(owners, "\"owners\":[0,1,4294967296,1]"), Problem.MALFORMED, "owners[2]");
    assertThatThrownBy(() -> ShardMap.decode(new byte[ShardMap.MAX_ENCODED_BYTES + 1]))
        .isInstanceOfSatisfying(ShardMapFormatException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE));
    assertThatThrownBy(() -> ShardMap.decode(null)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void aFormatError_isNonTransient_andSaysWhat() {
    assertThatThrownBy(() -> ShardMap.decode(bytes("{\"format\":9}")))
        .isInstanceOfSatisfying(ShardMapFormatException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage()).contains("UNSUPPORTED_FORMAT", "format", "9");
        });
  }

  private static void refused(String json, Problem problem, String field) {
    assertThatThrownBy(() -> ShardMap.decode(bytes(json))).as(json)
        .isInstanceOfSatisfying(ShardMapFormatException.class, e -> {
          assertThat(e.problem()).as(json).isEqualTo(problem);
          assertThat(e.field()).as(json).isEqualTo(field);
        });
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
