package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.store.InMemoryEventStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventPagesTest {

  private final InMemoryEventStore store = InMemoryEventStore.create();

  private void save(String streamId, long... versions) {
    for (long v : versions) {
      store.saveEvent(Event.builder().eventType("Noted").streamId(streamId).version(v).data(Map.of()).build());
    }
  }

  private List<Long> page(String streamId, long from, int limit) {
    return EventPages.page(store, streamId, from, limit).stream().map(Event::version).toList();
  }

  @Test
  void aPage_ofAHistoryWithoutGaps_isItsVersionRange() {
    save("a", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

    assertThat(page("a", 4, 3)).containsExactly(4L, 5L, 6L);
    assertThat(page("a", 9, 5)).containsExactly(9L, 10L);
    assertThat(page("a", 11, 5)).isEmpty();
    assertThat(page("a", Long.MAX_VALUE, 1000)).isEmpty();
  }

  @Test
  void aPage_thatMeetsAGap_goesOnPastIt_asThePageOfStoredEventsItIs() {
    save("g", 1, 2, 500, 501, 502);

    assertThat(page("g", 1, 2)).containsExactly(1L, 2L);
    assertThat(page("g", 3, 2)).containsExactly(500L, 501L);
    assertThat(page("g", 2, 3)).containsExactly(2L, 500L, 501L);
    assertThat(page("g", 1, 100)).containsExactly(1L, 2L, 500L, 501L, 502L);
    assertThat(page("g", 503, 10)).isEmpty();
  }
}
