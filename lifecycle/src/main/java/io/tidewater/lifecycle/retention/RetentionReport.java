package io.tidewater.lifecycle.retention;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one retention run did per measurement: the end of the newest window whose points were
 * deleted from InfluxDB (absent: nothing deleted), windows verified, and why deletion stopped
 * early.
 */
public record RetentionReport(
    String policy, Map<String, Instant> deletedBefore, int windowsVerified, List<String> held) {
  public RetentionReport {
    deletedBefore = Map.copyOf(deletedBefore);
    held = List.copyOf(held);
  }
}
