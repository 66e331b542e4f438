package dev.aether.bus;

import static dev.aether.bus.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscriptionFilterTest {

  @Test
  void all_letsEveryEventPass() {
    assertThat(SubscriptionFilter.all().isAll()).isTrue();
    assertThat(SubscriptionFilter.all().matches(event("Anything", "any.actor"))).isTrue();
  }

  @Test
  void eventTypes_letOnlyThoseTypesPass() {
    SubscriptionFilter filter = SubscriptionFilter.eventTypes("OrderPlaced", "OrderShipped");

    assertThat(filter.matches(event("OrderPlaced"))).isTrue();
    assertThat(filter.matches(event("OrderShipped"))).isTrue();
    assertThat(filter.matches(event("OrderCancelled"))).isFalse();
    assertThat(filter.eventTypes()).containsExactlyInAnyOrder("OrderPlaced", "OrderShipped");
    assertThat(filter.actorPattern()).isEmpty();
  }

  @Test
  void actorPattern_letsOnlyMatchingActorsPass() {
    SubscriptionFilter filter = SubscriptionFilter.actorPattern("order.*");

    assertThat(filter.matches(event("Any", "order.42"))).isTrue();
    assertThat(filter.matches(event("Any", "order.42.line"))).isFalse();
    assertThat(filter.matches(event("Any", "invoice.42"))).isFalse();
    assertThat(filter.actorPattern()).contains(NamespacePattern.parseActorPattern("order.*"));
  }

  @Test
  void typesAndActorPattern_areCombinedWithAnd() {
    SubscriptionFilter filter = SubscriptionFilter.eventTypes("OrderPlaced").withActorPattern("order.>");

    assertThat(filter.matches(event("OrderPlaced", "order.42"))).isTrue();
    assertThat(filter.matches(event("OrderPlaced", "invoice.42"))).isFalse();
    assertThat(filter.matches(event("OrderShipped", "order.42"))).isFalse();
    assertThat(filter.isAll()).isFalse();
  }

  @Test
  void withEventTypes_emptySet_acceptsEveryType() {
    SubscriptionFilter filter = SubscriptionFilter.eventTypes("A").withEventTypes(List.of());

    assertThat(filter).isEqualTo(SubscriptionFilter.all());
  }

  @Test
  void eventTypes_areCopied() {
    Set<String> types = new HashSet<>(Set.of("A"));
    SubscriptionFilter filter = new SubscriptionFilter(types, Optional.empty());
    types.add("B");

    assertThat(filter.eventTypes()).containsExactly("A");
    assertThatThrownBy(() -> filter.eventTypes().add("C")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void badEventTypes_areRefusedNamingEventTypes() {
    assertRefused(() -> SubscriptionFilter.eventTypes("A", " "), "eventTypes");
    assertRefused(() -> SubscriptionFilter.eventTypes((String) null), "eventTypes");
    assertRefused(() -> SubscriptionFilter.eventTypes("A", (String[]) null), "eventTypes");
    assertRefused(() -> new SubscriptionFilter(null, Optional.empty()), "eventTypes");
    assertRefused(() -> SubscriptionFilter.all().withEventTypes(Arrays.asList("A", null)), "eventTypes");
  }

  @Test
  void badActorPatterns_areRefusedNamingActorPattern() {
    assertRefused(() -> SubscriptionFilter.actorPattern("order-*"), "actorPattern");
    assertRefused(() -> SubscriptionFilter.actorPattern("a.>.b"), "actorPattern");
    assertRefused(() -> SubscriptionFilter.actorPattern(null), "actorPattern");
    assertRefused(() -> new SubscriptionFilter(Set.of(), null), "actorPattern");
  }

  @Test
  void matches_refusesNull() {
    assertRefused(() -> SubscriptionFilter.all().matches(null), "event");
  }

  private static void assertRefused(Runnable call, String field) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
