package io.tidewater.federation.plan;

import io.tidewater.federation.route.PlaceChoiceRule;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.rel.rules.AggregateReduceFunctionsRule;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.ReduceExpressionsRule;
import org.apache.calcite.sql.SqlKind;

/**
 * The standard rules routed queries need beyond Calcite's defaults: filters, projections,
 * aggregates and top-N pushed through the union of a routed table's parts, so each part is planned
 * (and pushed down) on its own and partial aggregates are merged above the union.
 */
public final class FederationRules {

  /**
   * CURRENT_TIMESTAMP becomes a literal when the query is planned, so "the last hour" bounds the
   * InfluxQL and prunes the lake. Each query is planned just before it runs, so this is the
   * statement's time (a cache of plans across executions must not keep such plans).
   */
  public static final RelOptRule REDUCE_FILTER =
      ((ReduceExpressionsRule.Config)
              ReduceExpressionsRule.FilterReduceExpressionsRule.FilterReduceExpressionsRuleConfig
                  .DEFAULT)
          .withTreatDynamicCallsAsConstant(true)
          .withDescription("FilterReduceExpressionsRule(dynamic)")
          .toRule();

  /**
   * AVG and the variance family become SUM and COUNT (so they merge across parts), and SUM stays
   * SUM. Calcite's default also rewrites SUM(x) to CASE WHEN COUNT(x) = 0 THEN NULL ELSE $SUM0(x),
   * whose constant the code generator hoists into a static field; Calcite never reuses compiled
   * code with static fields, so every AVG or SUM query was compiled anew (10-300 ms, most of a
   * dashboard query's time). SUM over the parts' sums is already NULL where no part has a value.
   */
  public static final RelOptRule REDUCE_AGGREGATES =
      AggregateReduceFunctionsRule.Config.DEFAULT
          .withFunctionsToReduce(
              AggregateReduceFunctionsRule.Config.DEFAULT_FUNCTIONS_TO_REDUCE.stream()
                  .filter(k -> k != SqlKind.SUM)
                  .collect(Collectors.toUnmodifiableSet()))
          .withDescription("AggregateReduceFunctionsRule(not SUM)")
          .toRule();

  public static final List<RelOptRule> ALL =
      List.of(
          CoreRules.FILTER_SET_OP_TRANSPOSE,
          CoreRules.PROJECT_SET_OP_TRANSPOSE,
          CoreRules.FILTER_MERGE,
          CoreRules.FILTER_PROJECT_TRANSPOSE,
          REDUCE_AGGREGATES,
          CoreRules.AGGREGATE_UNION_TRANSPOSE,
          CoreRules.SORT_UNION_TRANSPOSE,
          CoreRules.UNION_MERGE,
          REDUCE_FILTER);

  private FederationRules() {}

  public static void register(RelOptPlanner planner) {
    planner.removeRule(
        CoreRules.AGGREGATE_REDUCE_FUNCTIONS); // one of Calcite's defaults, replaced by ours
    ALL.forEach(planner::addRule);
    // Matches only InfluxDB scans of parts the lake holds too: idle in every other plan.
    planner.addRule(PlaceChoiceRule.INSTANCE);
    // ORDER BY with LIMIT keeps its limit's rows in a heap instead of sorting the whole input
    // (not among the defaults the planner gets): a statement's memory budget then holds for it.
    planner.addRule(EnumerableRules.ENUMERABLE_LIMIT_SORT_RULE);
  }
}
