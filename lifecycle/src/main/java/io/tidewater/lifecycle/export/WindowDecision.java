package io.tidewater.lifecycle.export;

/** What an export does with one window ({@link WindowPlanner}). */
public enum WindowDecision {
  /** The window is past the policy's expiry: the lake keeps nothing of it. */
  EXPIRED,
  /** The ledger holds every resolution the window's tier needs. */
  HELD,
  /** Read the window from InfluxDB and write the resolutions its tier needs. */
  EXPORT,
  /** The tier keeps only rollups coarser than a window: rebuild the spans the window is in. */
  EXPORT_SPAN,
  /**
   * Not written again: the policy deletes points older than hot keep from InfluxDB, so InfluxDB may
   * no longer hold all of the window and a new version would replace the lake's with less.
   */
  HOT_DELETED
}
