package io.tidewater.federation;

/**
 * A caller's way to stop its statement from another thread at any point, planning and running
 * included (its client went away): given to {@link SqlEngine#query}, stopped at most once.
 */
public final class StopSignal {

  private StopReason reason;
  private Executions.Execution current;

  /** Stops the statement now, or as soon as it starts. */
  public synchronized void stop(StopReason why) {
    if (reason == null) {
      reason = why;
    }
    if (current != null) {
      current.stop(reason);
    }
  }

  /** Why the statement was stopped, or null while it was not. */
  public synchronized StopReason reason() {
    return reason;
  }

  synchronized void attach(Executions.Execution execution) {
    current = execution;
    if (reason != null) {
      execution.stop(reason);
    }
  }
}
