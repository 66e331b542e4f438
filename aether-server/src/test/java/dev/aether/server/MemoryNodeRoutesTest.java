package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Every route on a node with the in-memory store, and what only needs one store to show. */
class MemoryNodeRoutesTest extends NodeRoutesContract {

  @Override
  NodeConfig.Builder store(NodeConfig.Builder builder, Path dir) {
    return builder.store(StoreKind.MEMORY).dataDir(dir);
  }

  @Test
  void eventStream_ofAHistoryLongerThanAPage_sendsEveryEventOnceInOrder() {
    String id = id();
    open(id, 1); // versions 1 and 2
    int deposits = EventStreamService.PAGE + 20;
    for (int i = 0; i < deposits; i++) {
      assertThat(api.command("Account", id, "Deposit", "{\"amount\":1}").status()).isEqualTo(200);
    }
    int total = deposits + 2;

    List<Sse.Event> events = Sse.first(api.client(),
        api.request("/v1/actors/Account/" + id + "/events/stream").GET().build(), total);

    assertThat(events).extracting(e -> Long.parseLong(e.id()))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
  }
}
