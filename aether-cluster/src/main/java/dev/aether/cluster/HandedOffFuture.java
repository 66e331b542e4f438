package dev.aether.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The future a {@code sendMessage} caller gets from the router. Its outcome is often learned on a NATS client's
 * thread (a routed command's answer, a timeout), which must not run the caller's callbacks: one that blocks on
 * a store or on another request over the same connection would hold up that connection's replies, or wait for
 * itself until a timeout. So every callback, a non-async one too, runs on a virtual thread of its own, as
 * {@link dev.aether.runtime.CommandGateway#sendMessage} lets callbacks block; a caller that waits ({@code join},
 * {@code get}) is woken at once, without that hand-off. Futures derived from it behave the same.
 * ({@code sendMessageToRelay} callers, which promise short callbacks, get a plain future.)
 *
 * @param <T> the value's type
 */
final class HandedOffFuture<T> extends CompletableFuture<T> {

  /** Runs each task on a virtual thread of its own. */
  static final Executor VIRTUAL = task -> Thread.ofVirtual().name("aether-command-reply").start(task);

  @Override
  public Executor defaultExecutor() {
    return VIRTUAL;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new HandedOffFuture<>();
  }

  @Override
  public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
    return thenApplyAsync(fn);
  }

  @Override
  public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
    return thenAcceptAsync(action);
  }

  @Override
  public CompletableFuture<Void> thenRun(Runnable action) {
    return thenRunAsync(action);
  }

  @Override
  public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other,
      BiFunction<? super T, ? super U, ? extends V> fn) {
    return thenCombineAsync(other, fn);
  }

  @Override
  public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
      BiConsumer<? super T, ? super U> action) {
    return thenAcceptBothAsync(other, action);
  }

  @Override
  public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
    return runAfterBothAsync(other, action);
  }

  @Override
  public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
    return applyToEitherAsync(other, fn);
  }

  @Override
  public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
    return acceptEitherAsync(other, action);
  }

  @Override
  public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
    return runAfterEitherAsync(other, action);
  }

  @Override
  public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
    return thenComposeAsync(fn);
  }

  @Override
  public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
    return whenCompleteAsync(action);
  }

  @Override
  public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
    return handleAsync(fn);
  }

  @Override
  public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
    return exceptionallyAsync(fn);
  }
}
