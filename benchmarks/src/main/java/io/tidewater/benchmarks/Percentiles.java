package io.tidewater.benchmarks;

import java.util.Arrays;

/** Nearest-rank percentiles of measured values, as every report here states them. */
public final class Percentiles {

  private Percentiles() {}

  /** The {@code p}th percentile (0-100) of {@code values}, which need not be sorted. */
  public static double of(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
