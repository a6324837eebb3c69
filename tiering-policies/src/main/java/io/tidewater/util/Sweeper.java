package io.tidewater.util;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Checks every watched item once a period, on one daemon thread that runs only while something is
 * watched. Watching and unwatching touch a concurrent set and wake no thread: a timer task per item
 * (scheduled at its start, cancelled at its end) wakes the timer thread about once per item, which
 * on a loaded machine cost short queries a few percent of their time.
 *
 * @param <T> what is watched
 */
public final class Sweeper<T> {

  private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

  private final Set<T> watched = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ScheduledThreadPoolExecutor timer;
  private final long periodNanos;
  private final Consumer<T> check;

  /**
   * Calls {@code check} on each watched item every {@code period} on a thread named {@code name}.
   */
  public Sweeper(String name, Duration period, Consumer<T> check) {
    this.periodNanos = period.toNanos();
    this.check = check;
    this.timer = new ScheduledThreadPoolExecutor(1, Threads.daemon(name));
    timer.setKeepAliveTime(10, TimeUnit.SECONDS); // nothing watched: no thread kept
    timer.allowCoreThreadTimeOut(true);
  }

  /** Checks {@code item} from the next sweep on, until it is unwatched. */
  public void watch(T item) {
    watched.add(item);
    if (scheduled.compareAndSet(false, true)) {
      timer.schedule(this::sweep, periodNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** No longer checks {@code item} (a sweep under way may still check it once). */
  public void unwatch(T item) {
    watched.remove(item);
  }

  /** How many items are watched. */
  public int size() {
    return watched.size();
  }

  private void sweep() {
    try {
      for (T item : watched) {
        try {
          check.accept(item);
        } catch (RuntimeException e) {
          LOG.log(
              System.Logger.Level.WARNING, "checking " + item + " failed", e); // others still are
        }
      }
    } finally {
      scheduled.set(false);
      // An item watched during the sweep either saw the flag still set (then it is seen here) or
      // schedules the next sweep itself.
      if (!watched.isEmpty() && scheduled.compareAndSet(false, true)) {
        timer.schedule(this::sweep, periodNanos, TimeUnit.NANOSECONDS);
      }
    }
  }
}
