package dev.aether.nats.bus;

import dev.aether.bus.NamespacePattern;
import dev.aether.bus.Subscription;
import dev.aether.bus.SubscriptionFilter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A subscription of the {@link NatsEventBus}: the local subscription that delivers, plus its share of the
 * NATS subscription of its pattern, given back once on {@link #unsubscribe()}.
 *
 * <p>Thread-safe: {@code released} makes the give-back happen once, whoever calls first.
 */
final class NatsBusSubscription implements Subscription {

  private final Subscription local;
  private final NatsInterests interests;
  private final AtomicBoolean released = new AtomicBoolean();

  NatsBusSubscription(Subscription local, NatsInterests interests) {
    this.local = local;
    this.interests = interests;
  }

  @Override
  public NamespacePattern pattern() {
    return local.pattern();
  }

  @Override
  public SubscriptionFilter filter() {
    return local.filter();
  }

  @Override
  public boolean isActive() {
    return local.isActive();
  }

  @Override
  public long deliveredCount() {
    return local.deliveredCount();
  }

  @Override
  public long droppedCount() {
    return local.droppedCount();
  }

  @Override
  public void unsubscribe() {
    local.unsubscribe();
    if (released.compareAndSet(false, true)) {
      interests.release(local.pattern());
    }
  }

  @Override
  public String toString() {
    return "NatsBusSubscription[" + local.pattern() + "]";
  }
}
