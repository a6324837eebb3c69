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

  public static final List<RelOptRule> ALL = List.of(
      CoreRules.FILTER_SET_OP_TRANSPOSE,
      CoreRules.PROJECT_SET_OP_TRANSPOSE,
      CoreRules.FILTER_MERGE,
      CoreRules.FILTER_PROJECT_TRANSPOSE,
      CoreRules.AGGREGATE_REDUCE_FUNCTIONS,
      CoreRules.AGGREGATE_UNION_TRANSPOSE,
      CoreRules.SORT_UNION_TRANSPOSE,
      CoreRules.UNION_MERGE);

  private FederationRules() {}

  public static void register(RelOptPlanner planner) {
    ALL.forEach(planner::addRule);
  }
}
