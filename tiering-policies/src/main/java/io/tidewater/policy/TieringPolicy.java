package io.tidewater.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One tiering policy: what it takes from InfluxDB, in which windows it exports, what lives in which
 * tier for how long, how the lake lays it out, and when its job runs. Built by {@link
 * PolicyParser}; construction checks every rule of {@link PolicyRules}.
 *
 * @param microBatch the low-latency path for writes into windows not yet exported (empty: off)
 * @param origin where the policy was read from (a file name), for messages
 */
public record TieringPolicy(
    String name,
    Source source,
    Duration window,
    Duration settle,
    Tiers tiers,
    LakeOptions lake,
    Schedule schedule,
    boolean deleteFromHotAfterExport,
    Optional<MicroBatch> microBatch,
    String origin) {

  public TieringPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(settle, "settle");
    Objects.requireNonNull(tiers, "tiers");
    Objects.requireNonNull(lake, "lake");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(microBatch, "microBatch");
    Objects.requireNonNull(origin, "origin");
    var problems = PolicyRules.check(name, window, settle, tiers, lake);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid policy " + name + ": " + problems);
    }
    if (microBatch.isPresent() && microBatch.get().maxDelay().compareTo(window) >= 0) {
      throw new IllegalArgumentException(
          "invalid policy " + name + ": micro-batch max-delay must be shorter than the window");
    }
  }

  /** The arithmetic of this policy's export windows. */
  public ExportWindows windows() {
    return new ExportWindows(window, settle);
  }

  /** The arithmetic of this policy's tiers. */
  public TierLadder ladder() {
    return new TierLadder(tiers, window);
  }
}
