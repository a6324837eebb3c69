package io.tidewater.lifecycle.run;

import io.tidewater.lifecycle.export.JobReport;
import io.tidewater.lifecycle.retention.RetentionReport;
import io.tidewater.lifecycle.tier.TierReport;
import java.util.List;

/**
 * What one run of a policy did, step by step.
 *
 * @param export the windows exported (or backfilled), already held, and failed
 * @param tiers the tier moves that followed: class changes, rollups built and dropped, expiry
 * @param retention what was deleted from InfluxDB, and what was held back
 * @param collected the lake files collected as garbage (left between a commit and its deletes)
 */
public record PolicyRun(
    JobReport export, TierReport tiers, RetentionReport retention, List<String> collected) {
  public PolicyRun {
    collected = List.copyOf(collected);
  }
}
