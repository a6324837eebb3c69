package io.tidewater.policy.rollup;

import java.util.Arrays;
import java.util.List;

/**
 * What a rollup bucket keeps per field (docs/architecture.md, lake layout), and how each
 * re-aggregates into a coarser bucket: counts and sums add, minima and maxima take the extreme,
 * first and last take the value at the earliest and latest time. Every one is exact under
 * re-aggregation.
 */
public enum RollupAggregate {
  COUNT(Merge.ADD, true),
  SUM(Merge.ADD, false),
  MIN(Merge.SMALLEST, false),
  MAX(Merge.LARGEST, false),
  FIRST(Merge.EARLIEST, true),
  LAST(Merge.LATEST, true);

  /** How values of one aggregate from finer buckets combine. */
  public enum Merge {
    ADD,
    SMALLEST,
    LARGEST,
    EARLIEST,
    LATEST
  }

  private final Merge merge;
  private final boolean anyType;

  RollupAggregate(Merge merge, boolean anyType) {
    this.merge = merge;
    this.anyType = anyType;
  }

  public Merge merge() {
    return merge;
  }

  /** Whether rollups keep this aggregate for fields of {@code type}. */
  public boolean appliesTo(FieldType type) {
    return anyType || type.isNumeric();
  }

  /**
   * The aggregates kept for a field of {@code type}: all six for numbers, count/first/last
   * otherwise.
   */
  public static List<RollupAggregate> keptFor(FieldType type) {
    return Arrays.stream(values()).filter(a -> a.appliesTo(type)).toList();
  }
}
