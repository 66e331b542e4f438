package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.cluster.ControlJson.Control;
import dev.aether.cluster.ControlJson.Lease;
import dev.aether.cluster.ControlJson.State;
import dev.aether.cluster.ControlJson.StateAnswer;
import dev.aether.cluster.ControlJson.StateRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The control values' JSON: what a node of another version writes must still be read, and a bad value is named.
 */
class ControlJsonTest {

  private static Lease read(String json) {
    return ControlJson.read(json.getBytes(StandardCharsets.UTF_8), Lease.class);
  }

  @Test
  void aLease_roundTrips_withItsActiveActorsAndModel() {
    Lease lease = new Lease("n1", "i-1", State.ACTIVE, 42, "bank@3");

    assertThat(ControlJson.read(ControlJson.write(lease), Lease.class)).isEqualTo(lease);
  }

  @Test
  void aLeaseOfANodeThatDoesNotReportActorsOrModel_reads_withoutThem() {
    assertThat(read("{\"node\":\"n1\",\"incarnation\":\"i-1\",\"state\":\"LEAVING\"}"))
        .isEqualTo(new Lease("n1", "i-1", State.LEAVING, null, null));
    assertThat(read("{\"node\":\"n1\",\"incarnation\":\"i-1\",\"state\":\"ACTIVE\",\"later\":true}").activeActors())
        .as("a field a newer node adds is skipped").isNull();
  }

  @Test
  void aLeaseWithANegativeCount_stillReads_withoutACount() {
    assertThat(read("{\"node\":\"n1\",\"incarnation\":\"i-1\",\"state\":\"ACTIVE\",\"activeActors\":-1}"))
        .isEqualTo(new Lease("n1", "i-1", State.ACTIVE, null, null));
  }

  @Test
  void aLeaseWithoutAnIncarnation_isRefused_namingWhy() {
    assertThatThrownBy(() -> read("{\"node\":\"n1\",\"state\":\"ACTIVE\"}")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("incarnation");
  }

  @Test
  void aStateRequestAndItsAnswer_roundTrip() {
    Control request = Control.state(new StateRequest("Account", "a-1"));
    StateAnswer answer = new StateAnswer(Map.of("balance", 5L, "tags", List.of("x")), 7);

    assertThat(ControlJson.read(ControlJson.write(request), Control.class)).isEqualTo(request);
    assertThat(ControlJson.read(ControlJson.write(answer), StateAnswer.class).version()).isEqualTo(7);
    assertThat(ControlJson.read(ControlJson.write(answer), StateAnswer.class).state())
        .containsEntry("tags", List.of("x")).containsKey("balance");
  }

  @Test
  void aControlRequestOfAnEarlierNode_readsWithoutAStateRequest_andAnAnswerWithoutAState_isRefused() {
    assertThat(ControlJson.read("{\"ping\":{\"from\":\"n2\"}}".getBytes(StandardCharsets.UTF_8), Control.class)
        .state()).isNull();
    assertThatThrownBy(() -> ControlJson.read("{\"version\":3}".getBytes(StandardCharsets.UTF_8),
        StateAnswer.class)).isInstanceOf(InvalidInputException.class).hasMessageContaining("StateAnswer");
    assertThatThrownBy(() -> ControlJson.read("{\"state\":{},\"version\":-1}".getBytes(StandardCharsets.UTF_8),
        StateAnswer.class)).isInstanceOf(InvalidInputException.class).hasMessageContaining("StateAnswer");
  }
}
