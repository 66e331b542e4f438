package dev.aether.bench.runtime;

import dev.aether.bench.Benchmark;
import dev.aether.event.EventJson;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.VirtualMachine;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.MessageInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Activation of passivated actors that have a snapshot, one after the other, in the activation namespace's
 * stream: first while it holds only these actors' events, then after {@link #FILL} events of
 * {@value #FILL_PER_ACTOR}-event other actors were added (raw {@code publishAsync}, untimed).
 *
 * <ul>
 *   <li>Aether: {@code runtime.createVM(key).join()}: snapshot from the KV bucket, then the store's replay,
 *       which finds with one direct get of the last message that nothing follows the snapshot; the VMs are
 *       stopped again after the run (untimed; nothing moved, so no snapshot is written);
 *   <li>raw: {@code kv.get(token)} of the same key plus {@code jsm.getLastMessage(stream, subject)} of the
 *       same subject (a direct get): the two round trips an activation from a snapshot needs at least.
 * </ul>
 */
final class Activation {

  static final int ACTORS = 500;
  static final int VERSION = 3;
  static final int FILL = 1_000_000;
  static final int FILL_PER_ACTOR = 100;

  private final NatsRig rig;
  private Runtime runtime;
  private long smallStore = -1;
  private long bigStore = -1;

  Activation(NatsRig rig) {
    this.rig = rig;
  }

  /** @return the stream's message count during the small and the big case (-1 when not run) */
  long[] storeSizes() {
    return new long[] {smallStore, bigStore};
  }

  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  Benchmark aether(boolean big) {
    return new Benchmark() {
      @Override
      public void setUp() throws Exception {
        prepare(big);
      }

      @Override
      public long run() {
        for (int a = 0; a < ACTORS; a++) {
          VirtualMachine vm = runtime.createVM(key(a)).join();
          if (vm.getVersion() != VERSION) {
            throw new IllegalStateException(vm + " activated at the wrong version");
          }
        }
        return ACTORS;
      }

      @Override
      public void tearDown() {
        passivateAll();
      }
    };
  }

  Benchmark raw(boolean big) {
    return new Benchmark() {
      private KeyValue kv;
      private String[] tokens;
      private String[] subjects;

      @Override
      public void setUp() throws Exception {
        prepare(big);
        kv = rig.bucket(NatsRig.ACTIVATION);
        tokens = new String[ACTORS];
        subjects = new String[ACTORS];
        for (int a = 0; a < ACTORS; a++) {
          tokens[a] = NatsRig.token(actorId(a));
          subjects[a] = NatsRig.subject(NatsRig.ACTIVATION, actorId(a));
        }
      }

      @Override
      public long run() throws Exception {
        String stream = NatsRig.stream(NatsRig.ACTIVATION);
        for (int a = 0; a < ACTORS; a++) {
          KeyValueEntry snapshot = kv.get(tokens[a]);
          MessageInfo last = rig.jsm().getLastMessage(stream, subjects[a]);
          if (snapshot == null || snapshot.getValue() == null || last.getSeq() <= 0) {
            throw new IllegalStateException("no snapshot or no last event for " + actorId(a));
          }
        }
        return ACTORS;
      }
    };
  }

  /** Makes the actors and their snapshots once; fills the store before the first big run. */
  private void prepare(boolean big) throws Exception {
    if (runtime == null) {
      runtime = Bank.runtime().eventStore(rig.activationStore()).build();
      runtime.start();
      List<CompletableFuture<CommandResult>> replies = new ArrayList<>();
      for (int v = 0; v < VERSION; v++) {
        for (int a = 0; a < ACTORS; a++) {
          replies.add(runtime.sendMessage(Bank.deposit(actorId(a))));
        }
      }
      Bank.requireAccepted(replies);
      passivateAll();
      rig.checkLayout(NatsRig.ACTIVATION, actorId(ACTORS - 1), VERSION);
      if (rig.activationStore().getLatestSnapshot(key(0).streamId()).orElseThrow().version() != VERSION) {
        throw new IllegalStateException("no snapshot at version " + VERSION);
      }
      smallStore = rig.messages(NatsRig.ACTIVATION);
    }
    if (big && bigStore < 0) {
      byte[] payload = EventJson.toBytes(Bank.depositedEvent("filler", 1));
      rig.fill(NatsRig.ACTIVATION, FILL, FILL_PER_ACTOR, payload);
      bigStore = rig.messages(NatsRig.ACTIVATION);
    }
  }

  private void passivateAll() {
    List<CompletableFuture<Boolean>> stops = new ArrayList<>(ACTORS);
    for (int a = 0; a < ACTORS; a++) {
      stops.add(runtime.stopVM(key(a)));
    }
    stops.forEach(CompletableFuture::join);
    if (!runtime.getActiveVMs().isEmpty()) {
      throw new IllegalStateException(runtime.getActiveVMs().size() + " VMs still active");
    }
  }

  private static String actorId(int a) {
    return "act-" + a;
  }

  private static ActorKey key(int a) {
    return ActorKey.of(Bank.TYPE, actorId(a));
  }
}
