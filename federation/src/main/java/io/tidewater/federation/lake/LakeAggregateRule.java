package io.tidewater.federation.lake;

import io.tidewater.federation.plan.Pushdown;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.logical.LogicalAggregate;

/** GROUP BY time buckets and tags with COUNT, SUM, MIN, MAX and AVG of float fields. */
public final class LakeAggregateRule extends ConverterRule {

  static final Config CONFIG =
      Config.INSTANCE
          .withConversion(
              LogicalAggregate.class, Convention.NONE, LakeRel.CONVENTION, "LakeAggregateRule")
          .withRuleFactory(LakeAggregateRule::new);

  private LakeAggregateRule(Config config) {
    super(config);
  }

  @Override
  public RelNode convert(RelNode rel) {
    LogicalAggregate aggregate = (LogicalAggregate) rel;
    Pushdown.AggregatePlan plan = Pushdown.aggregate(aggregate, LakeRels.INSTANCE);
    if (plan == null) {
      return null;
    }
    var traits = aggregate.getTraitSet().replace(LakeRel.CONVENTION);
    return new LakeAggregate(
        aggregate.getCluster(),
        traits,
        convert(aggregate.getInput(), traits.replace(RelCollations.EMPTY)),
        plan.bucketMillis(),
        plan.groupTags(),
        plan.columns(),
        aggregate.getRowType());
  }
}
