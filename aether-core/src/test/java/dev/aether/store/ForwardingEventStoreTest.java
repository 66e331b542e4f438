package dev.aether.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link ForwardingEventStore} forwards every method of {@link EventStore}, those with defaults included. */
class ForwardingEventStoreTest {

  /** What the recording delegate was asked: the method's name and its arguments. */
  private final List<List<Object>> calls = new ArrayList<>();

  private final EventStore delegate = (EventStore) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {EventStore.class}, (proxy, method, args) -> {
        List<Object> call = new ArrayList<>();
        call.add(method.getName());
        if (args != null) {
          call.addAll(Arrays.asList(args));
        }
        calls.add(call);
        return switch (method.getName()) {
          case "append", "getLatestVersion", "maxCommitBytes" -> 7L;
          case "appendAsync" -> CompletableFuture.completedFuture(7L);
          case "getEvents" -> List.of();
          case "getEventsWithErrors", "getEventsForWriter" -> new ReplayResult(List.of(), List.of());
          default -> null;
        };
      });

  private final ForwardingEventStore forwarding = new ForwardingEventStore(delegate) {};

  @Test
  void everyMethodOfTheInterface_isForwarded_soNoDefaultStandsInForTheDelegates() {
    for (Method method : EventStore.class.getMethods()) {
      if (Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      assertThat(declares(method)).as("ForwardingEventStore forwards %s", method).isTrue();
    }
  }

  @Test
  void eachCall_reachesTheDelegate_withItsArguments_andItsResultComesBack() {
    Event event = Event.builder().eventType("Tested").streamId("A/1").version(1).data(Map.of()).build();
    List<Event> events = List.of(event);

    forwarding.saveEvent(event);
    assertThat(forwarding.append("A/1", 0, events)).isEqualTo(7);
    forwarding.fence("A/1", 3);
    assertThat(forwarding.appendAsync("A/1", 0, events).join()).isEqualTo(7);
    assertThat(forwarding.getEvents("A/1", 2)).isEmpty();
    assertThat(forwarding.getEventsWithErrors("A/1", 2).events()).isEmpty();
    assertThat(forwarding.getEventsWithErrors("A/1", 2, 5).events()).isEmpty();
    assertThat(forwarding.getEventsForWriter("A/1", 3).events()).isEmpty();
    assertThat(forwarding.getLatestVersion("A/1")).isEqualTo(7);
    assertThat(forwarding.maxCommitBytes()).isEqualTo(7);
    forwarding.close();

    assertThat(calls).containsExactly(
        List.of("saveEvent", event),
        List.of("append", "A/1", 0L, events),
        List.of("fence", "A/1", 3L),
        List.of("appendAsync", "A/1", 0L, events),
        List.of("getEvents", "A/1", 2L),
        List.of("getEventsWithErrors", "A/1", 2L),
        List.of("getEventsWithErrors", "A/1", 2L, 5L),
        List.of("getEventsForWriter", "A/1", 3L),
        List.of("getLatestVersion", "A/1"),
        List.of("maxCommitBytes"),
        List.of("close"));
    assertThat(forwarding.delegate()).isSameAs(delegate);
  }

  @Test
  void aMissingDelegate_isRefusedNamingIt() {
    assertThatThrownBy(() -> new ForwardingEventStore(null) {}).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("delegate");
  }

  private static boolean declares(Method method) {
    try {
      Method declared = ForwardingEventStore.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
      return !Modifier.isAbstract(declared.getModifiers());
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
