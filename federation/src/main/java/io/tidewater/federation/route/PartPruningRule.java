package io.tidewater.federation.route;

import io.tidewater.federation.TimeRange;
import io.tidewater.federation.plan.RuleConfig;
import io.tidewater.federation.plan.TimeBounds;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rex.RexBuilder;

/**
 * Drops from a union under a time filter the inputs whose own time filter cannot meet it: a routed
 * table's parts outside the query's range, read off their bounds in one pass. Pushing the filter
 * into every part and simplifying each conjunction finds the same empty parts, at a cost that grew
 * with the number of parts (every dirty window adds two) and was most of a point query's planning.
 *
 * <p>Sound for any union: an input whose rows all satisfy {@code c0 in R} contributes nothing under
 * {@code c0 in Q} when R and Q are disjoint.
 */
public final class PartPruningRule extends RelRule<RuleConfig> {

  public static final PartPruningRule INSTANCE =
      (PartPruningRule)
          RuleConfig.of(
                  "PartPruningRule",
                  b -> b.operand(Filter.class).oneInput(u -> u.operand(Union.class).anyInputs()),
                  PartPruningRule::new)
              .toRule();

  private PartPruningRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    Filter filter = call.rel(0);
    Union union = call.rel(1);
    RexBuilder rex = filter.getCluster().getRexBuilder();
    TimeRange wanted = TimeBounds.of(rex, filter.getCondition(), 0);
    if (wanted.equals(TimeRange.ALL)) {
      return;
    }
    List<RelNode> kept = new ArrayList<>();
    for (RelNode input : union.getInputs()) {
      TimeRange holds =
          input.stripped() instanceof Filter part
              ? TimeBounds.of(rex, part.getCondition(), 0)
              : TimeRange.ALL;
      if (!holds.intersect(wanted).isEmpty()) {
        kept.add(input);
      }
    }
    if (kept.size() == union.getInputs().size()) {
      return;
    }
    if (kept.isEmpty()) {
      call.transformTo(call.builder().values(filter.getRowType()).build());
      return;
    }
    RelNode rest =
        kept.size() == 1 ? kept.get(0) : union.copy(union.getTraitSet(), kept, union.all);
    call.transformTo(filter.copy(filter.getTraitSet(), rest, filter.getCondition()));
  }
}
