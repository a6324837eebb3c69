package io.tidewater.federation.lake;

import io.tidewater.federation.plan.FederationRules;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;

/**
 * The planner rules of the lake adapter, one per operator folded into a lake scan (pruning,
 * projection, aggregation, rollups, top-N).
 */
public final class LakeRules {

  public static final RelOptRule FILTER = LakeFilterRule.CONFIG.toRule();
  public static final RelOptRule PROJECT = LakeProjectRule.CONFIG.toRule(LakeProjectRule.class);
  public static final RelOptRule AGGREGATE =
      LakeAggregateRule.CONFIG.toRule(LakeAggregateRule.class);
  public static final RelOptRule ROLLUP = LakeRollupRule.CONFIG.toRule();
  public static final RelOptRule SORT = LakeSortRule.CONFIG.toRule(LakeSortRule.class);
  public static final RelOptRule TO_ENUMERABLE =
      ConverterRule.Config.INSTANCE
          .withConversion(
              RelNode.class,
              LakeRel.CONVENTION,
              EnumerableConvention.INSTANCE,
              "LakeToEnumerableConverterRule")
          .withRuleFactory(ToEnumerable::new)
          .toRule();

  public static final List<RelOptRule> ALL =
      List.of(FILTER, PROJECT, AGGREGATE, ROLLUP, SORT, TO_ENUMERABLE);

  private LakeRules() {}

  static void register(RelOptPlanner planner) {
    ALL.forEach(planner::addRule);
    FederationRules.register(planner);
  }

  /** Hands a lake scan's rows to Calcite's engine. */
  private static final class ToEnumerable extends ConverterRule {
    ToEnumerable(Config config) {
      super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
      return new LakeToEnumerableConverter(
          rel.getCluster(), rel.getTraitSet().replace(EnumerableConvention.INSTANCE), rel);
    }
  }
}
