package io.tidewater.lifecycle.export;

import java.util.List;

/**
 * One run of a policy's export: windows exported, windows already in the lake, windows that failed
 * after their retries (with the reason), rows and bytes moved.
 */
public record JobReport(String policy, List<WindowExport> exported, int alreadyDone, List<WindowFailure> failures) {

  /** A window that could not be exported, and why. */
  public record WindowFailure(String measurement, io.tidewater.policy.Window window, String reason) {}

  public JobReport {
    exported = List.copyOf(exported);
    failures = List.copyOf(failures);
  }

  public long rows() {
    return exported.stream().mapToLong(WindowExport::rows).sum();
  }

  public long bytes() {
    return exported.stream().mapToLong(WindowExport::bytes).sum();
  }
}
