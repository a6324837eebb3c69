package io.tidewater.lifecycle.cdc;

import io.tidewater.policy.Window;
import java.time.Instant;
import java.util.Objects;

/**
 * A lake window known to be stale: InfluxDB received points for it after it became due for export
 * (or reconciliation found the counts differ). Immutable: each further change makes a new value, so
 * a re-export that began before it can tell it missed something.
 *
 * @param firstSequence the first change-log record that dirtied it (a write, or reconciliation's
 *     finding; -1 when none could be logged): the log is kept from there until the window is
 *     re-committed
 * @param lastSequence the newest record that touched it (-1 when none)
 * @param firstChange when the first change arrived: however often it changes after, the window is
 *     re-exported once the maximum deferral has passed since
 * @param lastChange when the newest change arrived; the window is re-exported once the policy's
 *     settle delay has passed since
 * @param cause why it is dirty, for the jobs API
 */
public record DirtyWindow(
    String policy,
    String database,
    String measurement,
    Window window,
    long firstSequence,
    long lastSequence,
    Instant firstChange,
    Instant lastChange,
    String cause) {

  public DirtyWindow {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(measurement, "measurement");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(lastChange, "lastChange");
    Objects.requireNonNull(firstChange, "firstChange");
    Objects.requireNonNull(cause, "cause");
  }

  /**
   * This window touched again by record {@code sequence} (-1: not from the log) at {@code when};
   * the first cause stays.
   */
  DirtyWindow touched(long sequence, Instant when) {
    long first =
        firstSequence < 0
            ? sequence
            : (sequence < 0 ? firstSequence : Math.min(firstSequence, sequence));
    return new DirtyWindow(
        policy,
        database,
        measurement,
        window,
        first,
        Math.max(lastSequence, sequence),
        when.isBefore(firstChange) ? when : firstChange,
        when.isAfter(lastChange) ? when : lastChange,
        cause);
  }
}
