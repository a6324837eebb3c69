package io.tidewater.federation;

import io.tidewater.error.TidewaterException;
import io.tidewater.util.Sweeper;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.function.Function1;

/**
 * The statements an engine is planning or running, each known by the cancel flag Calcite hands its
 * generated code. Stopping one (its deadline, its client gone, shutdown) sets the flag and records
 * why; guards the planner places above the inputs of every join, sort, aggregate, window and union
 * check the flag at every row, so a statement stops within a row of work however long its operators
 * run without producing output (a cross join counted, a sort of a large input).
 *
 * <p>The same guards give way to more urgent work: while {@code yieldTo} says so (the gateway:
 * writes are being received), a statement pauses up to {@value #PAUSE_MILLIS} ms at a row, then
 * runs at least as long before it pauses again, so under continuous writes queries keep at least
 * half their CPU and acknowledgements do not queue behind them for the cores.
 */
public final class Executions {

  static final long PAUSE_MILLIS = 20;
  static final long RUN_MILLIS = 10;
  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS);
  private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
  private static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private final BooleanSupplier yieldTo;
  private final LongAdder yieldedNanos = new LongAdder();

  /** How late past its deadline a statement may be stopped. */
  static final Duration DEADLINE_TICK = Duration.ofMillis(10);

  /**
   * Stops statements past their deadline: one daemon thread for all statements of an engine, none
   * while nothing runs.
   */
  private final Sweeper<Execution> deadlines =
      new Sweeper<>("tidewater-query-deadline", DEADLINE_TICK, Execution::stopIfLate);

  private final Map<AtomicBoolean, Execution> running = new ConcurrentHashMap<>();

  /**
   * Every engine's statements by their cancel flag, for work a source does inside its scan before a
   * row comes out (a lake aggregate): {@link #checkpoint}.
   */
  private static final Map<AtomicBoolean, Execution> ALL = new ConcurrentHashMap<>();

  private volatile boolean shutDown;
  private final Map<StopReason, LongAdder> stopped = new EnumMap<>(StopReason.class);

  Executions(BooleanSupplier yieldTo) {
    this.yieldTo = yieldTo;
    for (StopReason r : StopReason.values()) {
      stopped.put(r, new LongAdder());
    }
  }

  /**
   * For a source working long inside its scan before its first row (a lake aggregate over many
   * files): fails with the statement's stop error once it was stopped, and charges {@code bytes} it
   * keeps to the statement's memory budget. Nothing without a statement ({@code root} null or
   * without a cancel flag).
   */
  public static void checkpoint(DataContext root, long bytes) {
    AtomicBoolean flag = root == null ? null : DataContext.Variable.CANCEL_FLAG.get(root);
    if (flag == null) {
      return;
    }
    Execution e = ALL.get(flag);
    if (flag.get()) {
      TidewaterException failure = e == null ? null : e.failure();
      throw failure != null ? failure : StopReason.TIMEOUT.error(0);
    }
    if (e != null && bytes > 0) {
      e.charge(bytes);
    }
  }

  /** How long statements paused for more urgent work so far, in nanoseconds. */
  public long yieldedNanos() {
    return yieldedNanos.sum();
  }

  /** How many statements were stopped for {@code reason} so far. */
  public long stopped(StopReason reason) {
    return stopped.get(reason).sum();
  }

  /**
   * Starts watching a statement whose generated code reads {@code flag}: it is stopped with TIMEOUT
   * at {@code deadlineNanos} (System.nanoTime).
   */
  Execution start(AtomicBoolean flag, long deadlineNanos, long maxBytes, StopSignal signal) {
    flag.set(false); // a statement reused after a late stop starts clean
    Execution e = new Execution(flag, maxBytes, deadlineNanos);
    running.put(flag, e);
    ALL.put(flag, e);
    deadlines.watch(e);
    if (signal != null) {
      signal.attach(e);
    }
    if (shutDown) {
      e.stop(StopReason.SHUTDOWN);
    }
    return e;
  }

  /** Stops every statement planning or running now and every one started later. */
  void shutdown() {
    shutDown = true;
    running.values().forEach(e -> e.stop(StopReason.SHUTDOWN));
  }

  /** How many statements are planning or running. */
  public int running() {
    return running.size();
  }

  /** How many statements are past planning and compilation, their operators reading rows. */
  int executing() {
    return (int) running.values().stream().filter(e -> e.executing).count();
  }

  /**
   * {@code input}, failing at its next row once its statement is stopped; called by the code
   * generated for {@link io.tidewater.federation.plan.ExecutionGuard}. With {@code rowBytes}, each
   * row is kept by the operator above and charged to the statement's memory budget.
   */
  public <T> Enumerable<T> guard(Enumerable<T> input, DataContext root, long rowBytes) {
    return guard(input, root, rowBytes, Long.MAX_VALUE);
  }

  /**
   * As above for an operator that keeps at most {@code keptRows} rows at a time (a top-N sort):
   * only that many are charged.
   */
  public <T> Enumerable<T> guard(
      Enumerable<T> input, DataContext root, long rowBytes, long keptRows) {
    return guard(input, root, rowBytes, keptRows, null, 0);
  }

  /**
   * As above, and the groups of the aggregate above, told apart by {@code groupKey}, are counted
   * (an estimate, {@link GroupCount}) and charged {@code groupBytes} each as they appear.
   */
  public <T> Enumerable<T> guard(
      Enumerable<T> input,
      DataContext root,
      long rowBytes,
      Function1<T, Object> groupKey,
      long groupBytes) {
    return guard(input, root, rowBytes, Long.MAX_VALUE, groupKey, groupBytes);
  }

  private <T> Enumerable<T> guard(
      Enumerable<T> input,
      DataContext root,
      long rowBytes,
      long keptRows,
      Function1<T, Object> groupKey,
      long groupBytes) {
    AtomicBoolean flag = DataContext.Variable.CANCEL_FLAG.get(root);
    if (flag == null) {
      return input;
    }
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<T> enumerator() {
        Enumerator<T> rows = input.enumerator();
        Execution current = running.get(flag);
        if (current != null) {
          current.executing = true;
        }
        Execution execution = rowBytes > 0 || groupKey != null ? current : null;
        return new Enumerator<>() {
          private long runUntil;
          private final GroupCount groups = groupKey == null ? null : new GroupCount();
          private long seen;
          private long charged;
          private long keptCharged;

          @Override
          public T current() {
            return rows.current();
          }

          @Override
          public boolean moveNext() {
            if (flag.get()) {
              throw stopped(flag);
            }
            if (yieldTo.getAsBoolean()) {
              runUntil = giveWay(runUntil, flag);
            }
            if (execution != null && rowBytes > 0 && keptCharged < keptRows) {
              keptCharged++;
              execution.charge(rowBytes);
            }
            boolean more = rows.moveNext();
            if (more && groups != null) {
              groups.add(Objects.hashCode(groupKey.apply(rows.current())));
              // The estimate is read every 1024 rows: an aggregate's map grows by at most that
              // many groups in between.
              if ((++seen & 1023) == 0 && execution != null) {
                long estimate = groups.estimate();
                if (estimate > charged) {
                  execution.charge((estimate - charged) * groupBytes);
                  charged = estimate;
                }
              }
            }
            return more;
          }

          @Override
          public void reset() {
            rows.reset();
          }

          @Override
          public void close() {
            rows.close();
          }
        };
      }
    };
  }

  /**
   * Pauses while more urgent work waits, at most PAUSE_NANOS, unless the statement paused less than
   * RUN_NANOS ago; returns until when it runs without pausing again.
   */
  private long giveWay(long runUntil, AtomicBoolean flag) {
    long now = System.nanoTime();
    if (now < runUntil) {
      return runUntil;
    }
    long started = now;
    long end = now + PAUSE_NANOS;
    while (yieldTo.getAsBoolean() && !flag.get() && now < end) {
      LockSupport.parkNanos(PARK_NANOS);
      now = System.nanoTime();
    }
    yieldedNanos.add(now - started);
    return now + RUN_NANOS;
  }

  private RuntimeException stopped(AtomicBoolean flag) {
    Execution e = running.get(flag);
    StopReason reason = e == null || e.reason == null ? StopReason.TIMEOUT : e.reason;
    return reason.error(e == null ? 0 : e.maxBytes);
  }

  /** A statement being planned or run: stoppable once, from any thread, until it is closed. */
  public final class Execution implements AutoCloseable {
    private final AtomicBoolean flag;
    private final long maxBytes;
    private final AtomicLong held = new AtomicLong();
    private volatile StopReason reason;
    private volatile boolean closed;
    private volatile boolean executing;
    private final long deadlineNanos;

    private Execution(AtomicBoolean flag, long maxBytes, long deadlineNanos) {
      this.flag = flag;
      this.maxBytes = maxBytes;
      this.deadlineNanos = deadlineNanos;
    }

    private void stopIfLate() {
      if (System.nanoTime() - deadlineNanos >= 0) {
        stop(StopReason.TIMEOUT);
      }
    }

    /**
     * Counts a row an operator keeps (a sort's input, a hash join's build side); past the budget
     * the statement stops with MEMORY before the heap runs out.
     */
    void charge(long bytes) {
      if (held.addAndGet(bytes) > maxBytes) {
        stop(StopReason.MEMORY);
        throw StopReason.MEMORY.error(maxBytes);
      }
    }

    /** Stops the statement (the first reason is kept); nothing once it has ended. */
    public synchronized void stop(StopReason why) {
      if (closed) {
        return; // the flag may belong to the statement's next execution by now
      }
      if (reason == null) {
        reason = why;
        stopped.get(why).increment();
      }
      flag.set(true);
    }

    /** Why it was stopped, or null. */
    public StopReason reason() {
      return reason;
    }

    /** The error the statement fails with once stopped, or null while it is not. */
    TidewaterException failure() {
      StopReason r = reason;
      return r == null ? null : r.error(maxBytes);
    }

    /** The flag the planner checks while this statement is planned. */
    AtomicBoolean flag() {
      return flag;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      deadlines.unwatch(this);
      running.remove(flag, this);
      ALL.remove(flag, this);
    }
  }
}
