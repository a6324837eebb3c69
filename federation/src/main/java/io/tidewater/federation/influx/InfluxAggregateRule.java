package io.tidewater.federation.influx;

import io.tidewater.federation.plan.Pushdown;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.logical.LogicalAggregate;

/**
 * Folds {@code GROUP BY} time buckets and tags with COUNT, SUM, MIN, MAX and AVG of fields into
 * InfluxQL ({@code GROUP BY time(w), tags ... fill(none)}); anything else stays in Calcite.
 */
public final class InfluxAggregateRule extends ConverterRule {

  static final Config CONFIG =
      Config.INSTANCE
          .withConversion(
              LogicalAggregate.class, Convention.NONE, InfluxRel.CONVENTION, "InfluxAggregateRule")
          .withRuleFactory(InfluxAggregateRule::new);

  private InfluxAggregateRule(Config config) {
    super(config);
  }

  @Override
  public RelNode convert(RelNode rel) {
    LogicalAggregate aggregate = (LogicalAggregate) rel;
    Pushdown.AggregatePlan plan = InfluxRels.aggregate(aggregate);
    if (plan == null) {
      return null;
    }
    var traits = aggregate.getTraitSet().replace(InfluxRel.CONVENTION);
    return new InfluxAggregate(
        aggregate.getCluster(),
        traits,
        convert(aggregate.getInput(), traits.replace(RelCollations.EMPTY)),
        plan.bucketMillis(),
        plan.groupTags(),
        plan.columns(),
        aggregate.getRowType());
  }
}
