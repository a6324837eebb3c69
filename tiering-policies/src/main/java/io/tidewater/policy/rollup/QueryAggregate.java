package io.tidewater.policy.rollup;

import java.util.List;

/**
 * An aggregate a query asks for over time buckets, and the rollup aggregates that answer it
 * exactly: {@code mean} is {@code sum(sum) / sum(count)}, the others map one to one.
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

  /** The rollup aggregates this query aggregate is computed from. */
  public List<RollupAggregate> needs() {
    return needs;
  }

  /** Whether rollups of a field of {@code type} answer this aggregate. */
  public boolean answerableFor(FieldType type) {
    return needs.stream().allMatch(a -> a.appliesTo(type));
  }
}
