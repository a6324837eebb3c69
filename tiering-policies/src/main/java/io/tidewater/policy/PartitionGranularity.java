package io.tidewater.policy;

import java.time.Duration;

/** The time unit of the lake's Hive partitions ({@code day=2025-01-15} or also {@code hour=07}). */
public enum PartitionGranularity implements PolicyKeyword {
  DAY(Duration.ofDays(1)),
  HOUR(Duration.ofHours(1));

  private final Duration width;

  PartitionGranularity(Duration width) {
    this.width = width;
  }

  public Duration width() {
    return width;
  }
}
