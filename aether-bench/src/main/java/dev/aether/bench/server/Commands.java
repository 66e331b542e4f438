package dev.aether.bench.server;

import dev.aether.bench.Benchmark;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Deposits sent by {@code clients} concurrent clients, each one command at a time (closed loop), to its own
 * accounts, either over HTTP or through the node's gateway in process; every command's latency is recorded.
 * One run sends {@code clients * perClient} commands and checks each answer; tear-down checks an account's
 * version moved by exactly its share. The CPU the run used per command (this JVM, the nats-server) and the
 * runtime's commands per group commit are kept in {@link CpuPerCommand}.
 */
final class Commands implements Benchmark {

  /** How a client sends one deposit. */
  interface Sender {
    void deposit(String account) throws Exception;
  }

  /** Makes client c's sender (once; kept across runs, like a kept-alive connection). */
  interface Senders {
    Sender forClient(int client) throws Exception;
  }

  private final ServerRig rig;
  private final Percentiles percentiles;
  private final CpuPerCommand cpu;
  private final String name;
  private final int clients;
  private final int perClient;
  private final Senders factory;
  private Sender[] senders;
  private long before;

  Commands(ServerRig rig, Percentiles percentiles, CpuPerCommand cpu, String name, int clients, int perClient,
      Senders factory) {
    this.rig = rig;
    this.percentiles = percentiles;
    this.cpu = cpu;
    this.name = name;
    this.clients = clients;
    this.perClient = perClient;
    this.factory = factory;
  }

  @Override
  public void setUp() throws Exception {
    if (senders == null) {
      senders = new Sender[clients];
      for (int c = 0; c < clients; c++) {
        senders[c] = factory.forClient(c);
      }
    }
    before = rig.version(account(0, 0));
  }

  @Override
  public long run() throws Exception {
    long[] nanos = new long[clients * perClient];
    CpuPerCommand.Start started = cpu.start();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        done.add(threads.submit(() -> {
          for (int i = 0; i < perClient; i++) {
            long start = System.nanoTime();
            senders[client].deposit(account(client, i));
            nanos[client * perClient + i] = System.nanoTime() - start;
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    cpu.record(name, started, nanos.length);
    percentiles.record(name, nanos);
    return nanos.length;
  }

  @Override
  public void tearDown() throws Exception {
    int accountsPerClient = accountsPerClient();
    long expected = before + (perClient + accountsPerClient - 1) / accountsPerClient;
    long after = rig.version(account(0, 0));
    if (after != expected) {
      throw new IllegalStateException(account(0, 0) + " is at version " + after + ", expected " + expected);
    }
  }

  /** Client c's i-th command goes to one of its own accounts, in turn. */
  private String account(int client, int i) {
    int per = accountsPerClient();
    return rig.accounts().get(client * per + i % per);
  }

  private int accountsPerClient() {
    return Math.max(1, rig.accounts().size() / clients);
  }
}
