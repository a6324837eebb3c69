package io.tidewater.lifecycle.cdc;

import io.tidewater.policy.Window;
import java.util.List;

/**
 * The windows of a measurement whose lake copy is known to be stale (changed in InfluxDB since it
 * was exported, not yet re-exported). Federation routes them to InfluxDB while they are.
 */
@FunctionalInterface
public interface DirtyRanges {

  /** Nothing is ever dirty: for a gateway without change capture. */
  DirtyRanges NONE = (database, measurement) -> List.of();

  /** The dirty windows of {@code database.measurement}, in time order. */
  List<Window> dirtyWindows(String database, String measurement);
}
