package io.tidewater.policy.rollup;

import java.util.List;
import java.util.Locale;

/**
 * An aggregate a query asks for over time buckets (pushed into InfluxQL or computed over the lake),
 * and the rollup aggregates that answer it exactly: {@code mean} is {@code sum(sum) / sum(count)},
 * the others map one to one.
 */
public enum QueryAggregate {
  COUNT(List.of(RollupAggregate.COUNT)),
  SUM(List.of(RollupAggregate.SUM)),
  MIN(List.of(RollupAggregate.MIN)),
  MAX(List.of(RollupAggregate.MAX)),
  MEAN(List.of(RollupAggregate.SUM, RollupAggregate.COUNT)),
  FIRST(List.of(RollupAggregate.FIRST)),
  LAST(List.of(RollupAggregate.LAST));

  private final List<RollupAggregate> needs;

  QueryAggregate(List<RollupAggregate> needs) {
    this.needs = needs;
  }

  /**
   * Its name in InfluxQL: {@code count}, {@code sum}, {@code min}, {@code max}, {@code mean},
   * {@code first}, {@code last}.
   */
  public String influxQl() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * How partial results of this aggregate combine into the whole's (a rollup's counts are summed),
   * or null if one partial column does not suffice (mean needs sums and counts, first and last
   * their times).
   */
  public QueryAggregate combinedBy() {
    return switch (this) {
      case COUNT, SUM -> SUM;
      case MIN -> MIN;
      case MAX -> MAX;
      case MEAN, FIRST, LAST -> null;
    };
  }

  /** The rollup aggregates this query aggregate is computed from. */
  public List<RollupAggregate> needs() {
    return needs;
  }

  /** Whether rollups of a field of {@code type} answer this aggregate. */
  public boolean answerableFor(FieldType type) {
    return needs.stream().allMatch(a -> a.appliesTo(type));
  }
}
