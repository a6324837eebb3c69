package io.tidewater.lifecycle.cdc;

import io.tidewater.policy.MicroBatch;
import io.tidewater.policy.TieringPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Logged writes waiting for the low-latency path, per policy with a {@code micro-batch} setting:
 * {@link ChangeCapture} offers each accepted write that has points in windows not yet due for
 * export; {@link MicroBatchWriter} takes a policy's writes once {@link MicroBatch#maxPoints()} of
 * those points have gathered or the oldest has waited {@link MicroBatch#maxDelay()}. Writes are
 * held as the logged bytes (parsed only when flushed, off the acknowledgement's path), and until
 * flushed they keep the change log from being trimmed, so a crash replays them.
 *
 * <p>Writes that cannot be flushed (the lake unreachable) are kept up to {@value #KEPT_BATCHES}
 * batches' worth per policy; older ones are dropped and counted. Nothing is lost by that: InfluxDB
 * holds the points and the window's scheduled export brings them.
 */
public final class MicroBatches {

  /** Batches' worth of points a policy may hold before its oldest writes are dropped. */
  static final int KEPT_BATCHES = 20;

  /** One logged write, as received ({@code body} is the request's line protocol). */
  public record Write(
      long sequence,
      String database,
      String retentionPolicy,
      LineProtocol.Precision precision,
      long receivedNanos,
      byte[] body) {}

  /** A waiting write and how many of its points are in the policy's windows not yet due. */
  record Held(Write write, long points) {}

  /** Writes taken for one flush of a policy, oldest first. */
  public record Batch(TieringPolicy policy, List<Held> held) {
    public Batch {
      held = List.copyOf(held);
    }

    public List<Write> writes() {
      return held.stream().map(Held::write).toList();
    }

    public long points() {
      return held.stream().mapToLong(Held::points).sum();
    }
  }

  /** What waits for a policy. */
  public record Pending(long writes, long points, OptionalLong oldestReceivedNanos, long dropped) {}

  private static final class Queue {
    final TieringPolicy policy;
    final ArrayDeque<Held> writes = new ArrayDeque<>();
    long total; // points of the waiting writes
    long dropped;
    Batch inFlight;

    Queue(TieringPolicy policy) {
      this.policy = policy;
    }
  }

  private final Map<String, Queue> queues = new LinkedHashMap<>();

  /** For the policies among {@code policies} that have a micro-batch setting. */
  public MicroBatches(List<TieringPolicy> policies) {
    for (TieringPolicy p : policies) {
      if (p.microBatch().isPresent()) {
        queues.put(p.name(), new Queue(p));
      }
    }
  }

  /** Whether {@code policy} has the low-latency path. */
  public boolean covers(TieringPolicy policy) {
    return queues.containsKey(policy.name());
  }

  /** Adds a write holding {@code points} points in {@code policy}'s windows not yet due. */
  synchronized void offer(TieringPolicy policy, Write write, long points) {
    Queue q = queues.get(policy.name());
    if (q == null || points <= 0) {
      return;
    }
    q.writes.addLast(new Held(write, points));
    q.total += points;
    long keep = (long) KEPT_BATCHES * policy.microBatch().orElseThrow().maxPoints();
    while (q.total > keep && q.writes.size() > 1) {
      long n = q.writes.removeFirst().points();
      q.total -= n;
      q.dropped += n;
    }
    if (q.total >= policy.microBatch().orElseThrow().maxPoints()) {
      notifyAll();
    }
  }

  /**
   * The policies with a batch to flush at {@code clock}'s now: full, or its oldest write waited its
   * max delay. Waits up to {@code longest} for one (less if a batch comes due sooner).
   */
  public synchronized List<TieringPolicy> awaitDue(Clock clock, Duration longest)
      throws InterruptedException {
    long until = clock.millis() + longest.toMillis();
    while (true) {
      long now = clock.millis();
      List<TieringPolicy> due = new ArrayList<>();
      long next = until;
      for (Queue q : queues.values()) {
        if (q.writes.isEmpty() || q.inFlight != null) {
          continue;
        }
        MicroBatch limits = q.policy.microBatch().orElseThrow();
        long dueAt =
            q.writes.peekFirst().write().receivedNanos() / 1_000_000L
                + limits.maxDelay().toMillis();
        if (q.total >= limits.maxPoints() || dueAt <= now) {
          due.add(q.policy);
        } else {
          next = Math.min(next, dueAt);
        }
      }
      if (!due.isEmpty() || now >= until) {
        return due;
      }
      wait(Math.max(1, next - now));
    }
  }

  /**
   * Takes {@code policy}'s waiting writes for a flush; empty if none wait or a flush of them is
   * going on.
   */
  public synchronized Optional<Batch> take(TieringPolicy policy) {
    Queue q = queues.get(policy.name());
    if (q == null || q.writes.isEmpty() || q.inFlight != null) {
      return Optional.empty();
    }
    q.inFlight = new Batch(policy, new ArrayList<>(q.writes));
    q.writes.clear();
    q.total = 0;
    return Optional.of(q.inFlight);
  }

  /** The batch's points are in the lake (or need not be): its writes no longer hold the log. */
  public synchronized void done(Batch batch) {
    Queue q = queues.get(batch.policy().name());
    if (q != null && q.inFlight == batch) {
      q.inFlight = null;
    }
  }

  /** The batch could not be flushed now: its writes wait again, ahead of newer ones. */
  public synchronized void putBack(Batch batch) {
    Queue q = queues.get(batch.policy().name());
    if (q == null || q.inFlight != batch) {
      return;
    }
    q.inFlight = null;
    for (int i = batch.held().size() - 1; i >= 0; i--) {
      q.writes.addFirst(batch.held().get(i));
      q.total += batch.held().get(i).points();
    }
    notifyAll();
  }

  /** The first log sequence some waiting or flushing write has: the log is kept from there. */
  public synchronized OptionalLong oldestUnflushed() {
    long oldest = Long.MAX_VALUE;
    for (Queue q : queues.values()) {
      if (!q.writes.isEmpty()) {
        oldest = Math.min(oldest, q.writes.peekFirst().write().sequence());
      }
      if (q.inFlight != null && !q.inFlight.held().isEmpty()) {
        oldest = Math.min(oldest, q.inFlight.held().get(0).write().sequence());
      }
    }
    return oldest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(oldest);
  }

  /** What waits for {@code policy} (nothing for a policy without micro-batches). */
  public synchronized Pending pending(TieringPolicy policy) {
    Queue q = queues.get(policy.name());
    if (q == null) {
      return new Pending(0, 0, OptionalLong.empty(), 0);
    }
    long writes = q.writes.size() + (q.inFlight == null ? 0 : q.inFlight.held().size());
    long points = q.total + (q.inFlight == null ? 0 : q.inFlight.points());
    OptionalLong oldest =
        q.inFlight != null && !q.inFlight.held().isEmpty()
            ? OptionalLong.of(q.inFlight.held().get(0).write().receivedNanos())
            : q.writes.isEmpty()
                ? OptionalLong.empty()
                : OptionalLong.of(q.writes.peekFirst().write().receivedNanos());
    return new Pending(writes, points, oldest, q.dropped);
  }
}
