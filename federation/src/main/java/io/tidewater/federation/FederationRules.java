package io.tidewater.federation;

import java.util.List;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.rel.rules.CoreRules;

/**
 * The standard rules routed queries need beyond Calcite's defaults: filters, projections,
 * aggregates and top-N pushed through the union of a routed table's parts, so each part is
 * planned (and pushed down) on its own and partial aggregates are merged above the union.
 */
public final class FederationRules {

  /**
   * CURRENT_TIMESTAMP becomes a literal when the query is planned, so "the last hour" bounds the
   * InfluxQL and prunes the lake. Each query is planned just before it runs, so this is the
   * statement's time (a cache of plans across executions must not keep such plans).
   */
  public static final RelOptRule REDUCE_FILTER = ((org.apache.calcite.rel.rules.ReduceExpressionsRule.Config)
      org.apache.calcite.rel.rules.ReduceExpressionsRule.FilterReduceExpressionsRule.FilterReduceExpressionsRuleConfig.DEFAULT)
      .withTreatDynamicCallsAsConstant(true).withDescription("FilterReduceExpressionsRule(dynamic)").toRule();

  public static final List<RelOptRule> ALL = List.of(
      CoreRules.FILTER_SET_OP_TRANSPOSE,
      CoreRules.PROJECT_SET_OP_TRANSPOSE,
      CoreRules.FILTER_MERGE,
      CoreRules.FILTER_PROJECT_TRANSPOSE,
      CoreRules.AGGREGATE_REDUCE_FUNCTIONS,
      CoreRules.AGGREGATE_UNION_TRANSPOSE,
      CoreRules.SORT_UNION_TRANSPOSE,
      CoreRules.UNION_MERGE,
      REDUCE_FILTER);

  private FederationRules() {}

  public static void register(RelOptPlanner planner) {
    ALL.forEach(planner::addRule);
  }
}
