package io.tidewater.lifecycle.export;

import io.tidewater.lifecycle.lake.LakeLayout;
import io.tidewater.util.Threads;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs an attempt up to {@code attempts} times while it throws {@code retried} (or a subclass)
 * other than {@link LakeLayout.NameTooLong} (the same names fail again), waiting {@code
 * firstBackoff} after the first failure and twice as long after each further one; the last failure,
 * and any other exception, propagates.
 */
final class Retry {

  private final int attempts;
  private final Duration firstBackoff;
  private final Class<? extends RuntimeException> retried;

  Retry(int attempts, Duration firstBackoff, Class<? extends RuntimeException> retried) {
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
    this.retried = retried;
  }

  <T> T run(Supplier<T> attempt) {
    Duration backoff = firstBackoff;
    for (int n = 1; ; n++) {
      try {
        return attempt.get();
      } catch (RuntimeException e) {
        if (n >= attempts || !retried.isInstance(e) || e instanceof LakeLayout.NameTooLong) {
          throw e;
        }
        Threads.sleep(backoff);
        backoff = backoff.multipliedBy(2);
      }
    }
  }
}
