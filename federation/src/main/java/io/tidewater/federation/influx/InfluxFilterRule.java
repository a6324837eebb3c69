package io.tidewater.federation.influx;

import io.tidewater.federation.plan.RuleConfig;
import io.tidewater.federation.plan.TimeBounds;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexUtil;

/**
 * Folds the conditions of a filter on a measurement that InfluxQL can state exactly into the
 * query's WHERE.
 */
public final class InfluxFilterRule extends RelRule<RuleConfig> {

  static final RuleConfig CONFIG =
      RuleConfig.of(
          "InfluxFilterRule",
          b ->
              b.operand(LogicalFilter.class)
                  .oneInput(b1 -> b1.operand(InfluxTableScan.class).noInputs()),
          InfluxFilterRule::new);

  private InfluxFilterRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalFilter filter = call.rel(0);
    InfluxTableScan scan = call.rel(1);
    RexBuilder rex = filter.getCluster().getRexBuilder();
    int conjuncts = TimeBounds.RelConjuncts.of(rex, filter.getCondition()).size();
    InfluxPredicates.Translation t =
        new InfluxPredicates(scan.influxTable().schema()).translate(rex, filter.getCondition());
    if (!t.pushedAnything(conjuncts)) {
      return;
    }
    RelNode pushed =
        new InfluxFilter(scan.getCluster(), scan.getTraitSet(), scan, t.range(), t.where());
    call.transformTo(
        t.remaining().isEmpty()
            ? pushed
            : LogicalFilter.create(pushed, RexUtil.composeConjunction(rex, t.remaining())));
  }
}
