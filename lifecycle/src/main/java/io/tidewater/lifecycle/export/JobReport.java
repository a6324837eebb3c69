package io.tidewater.lifecycle.export;

import io.tidewater.policy.Window;
import java.util.List;

/**
 * One run of a policy's export: windows exported, windows already in the lake, windows that failed
 * after their retries or were left alone on purpose (with the reason), rows and bytes moved.
 */
public record JobReport(
    String policy, List<WindowExport> exported, int alreadyDone, List<WindowFailure> failures) {

  /** Why a window was not exported. */
  public enum FailureKind {
    /** Its read or write failed after every attempt. */
    ERROR(null),
    /** Not re-exported on purpose: past the policy's expiry (the lake drops it). */
    PAST_EXPIRY("not re-exported: past the policy's expiry"),
    /**
     * Not re-exported on purpose: InfluxDB holds fewer values than the lake (deleted or expired
     * there).
     */
    WOULD_LOSE_DATA("not re-exported: InfluxDB holds fewer values than the lake"),
    /** Not re-exported on purpose: the policy deletes points older than hot keep from InfluxDB. */
    HOT_DELETED(
        "not re-exported: the policy deletes points older than hot keep from InfluxDB, so InfluxDB may no"
            + " longer hold all of this window"),
    /**
     * Not exported: the measurement's names are too long for the lake's keys (never shortened:
     * engines decode names from the lake's folders).
     */
    NAME_TOO_LONG("not exported: the measurement's names are too long for the lake");

    private final String reason;

    FailureKind(String reason) {
      this.reason = reason;
    }

    /** The reason given for a window left alone on purpose (null for {@link #ERROR}). */
    public String reason() {
      return reason;
    }

    /** Whether the window was left alone on purpose, not for a failure. */
    public boolean onPurpose() {
      return this != ERROR;
    }
  }

  /** A window that could not be exported, of which kind, and why. */
  public record WindowFailure(String measurement, Window window, FailureKind kind, String reason) {

    /** A window whose export failed with {@code reason}. */
    public static WindowFailure error(String measurement, Window window, String reason) {
      return new WindowFailure(measurement, window, FailureKind.ERROR, reason);
    }

    /**
     * A window left alone on purpose: its kind's reason followed by {@code detail} (may be empty).
     */
    public static WindowFailure onPurpose(
        String measurement, Window window, FailureKind kind, String detail) {
      return new WindowFailure(measurement, window, kind, kind.reason() + detail);
    }
  }

  public JobReport {
    exported = List.copyOf(exported);
    failures = List.copyOf(failures);
  }

  /** The windows whose export failed (not those left alone on purpose). */
  public List<WindowFailure> errors() {
    return failures.stream().filter(f -> f.kind() == FailureKind.ERROR).toList();
  }

  public long rows() {
    return exported.stream().mapToLong(WindowExport::rows).sum();
  }

  public long bytes() {
    return exported.stream().mapToLong(WindowExport::bytes).sum();
  }
}
