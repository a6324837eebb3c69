package io.tidewater.federation.influx;

import io.tidewater.federation.plan.FederationRules;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;

/** The planner rules of the InfluxDB adapter, one per operator folded into InfluxQL. */
public final class InfluxRules {

  public static final RelOptRule FILTER = InfluxFilterRule.CONFIG.toRule();
  public static final RelOptRule PROJECT = InfluxProjectRule.CONFIG.toRule(InfluxProjectRule.class);
  public static final RelOptRule AGGREGATE =
      InfluxAggregateRule.CONFIG.toRule(InfluxAggregateRule.class);
  public static final RelOptRule SORT = InfluxSortRule.CONFIG.toRule(InfluxSortRule.class);
  public static final RelOptRule TO_ENUMERABLE =
      ConverterRule.Config.INSTANCE
          .withConversion(
              RelNode.class,
              InfluxRel.CONVENTION,
              EnumerableConvention.INSTANCE,
              "InfluxToEnumerableConverterRule")
          .withRuleFactory(ToEnumerable::new)
          .toRule();

  public static final List<RelOptRule> ALL =
      List.of(FILTER, PROJECT, AGGREGATE, SORT, TO_ENUMERABLE);

  private InfluxRules() {}

  static void register(RelOptPlanner planner) {
    ALL.forEach(planner::addRule);
    FederationRules.register(planner);
  }

  /** Hands an InfluxDB query's rows to Calcite's engine. */
  private static final class ToEnumerable extends ConverterRule {
    ToEnumerable(Config config) {
      super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
      return new InfluxToEnumerableConverter(
          rel.getCluster(), rel.getTraitSet().replace(EnumerableConvention.INSTANCE), rel);
    }
  }
}
