package io.tidewater.lifecycle.export;

import io.tidewater.policy.Tier;
import io.tidewater.policy.Window;
import java.util.List;

/**
 * What exporting one window of one measurement did: rows read, bytes written, resolutions
 * committed.
 */
public record WindowExport(
    String measurement, Window window, Tier tier, long rows, long bytes, List<String> resolutions) {
  public WindowExport {
    resolutions = List.copyOf(resolutions);
  }
}
