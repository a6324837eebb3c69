package io.tidewater.util;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the product starts (named, daemon, so none keeps the JVM alive) and waiting in them.
 */
public final class Threads {

  private Threads() {}

  /**
   * Daemon threads named {@code name}, or {@code name-1}, {@code name-2}... when {@code numbered}.
   */
  public static ThreadFactory daemon(String name, boolean numbered) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, numbered ? name + "-" + count.incrementAndGet() : name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Daemon threads all named {@code name}. */
  public static ThreadFactory daemon(String name) {
    return daemon(name, false);
  }

  /**
   * Sleeps for {@code d}; an interrupt ends the sleep with the thread's interrupt flag set again
   * and an {@link IllegalStateException}, so the work that slept stops rather than going on.
   */
  public static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Sleeps for {@code d}; an interrupt ends the sleep early with the interrupt flag set again. */
  public static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
