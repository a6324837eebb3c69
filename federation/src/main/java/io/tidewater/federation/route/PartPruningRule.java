package io.tidewater.federation.route;

import io.tidewater.federation.TimeRange;
import io.tidewater.federation.plan.Binding;
import io.tidewater.federation.plan.PlanDecisions;
import io.tidewater.federation.plan.RuleConfig;
import io.tidewater.federation.plan.TimeBounds;
import io.tidewater.federation.plan.TimeSpan;
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
    TimeSpan span = TimeBounds.span(rex, filter.getCondition());
    TimeRange wanted = span.resolve(Binding.planning());
    if (wanted.equals(TimeRange.ALL)) {
      return;
    }
    List<TimeRange> holds = new ArrayList<>();
    for (RelNode input : union.getInputs()) {
      holds.add(
          input.stripped() instanceof Filter part
              ? TimeBounds.of(rex, part.getCondition(), 0)
              : TimeRange.ALL);
    }
    // Which parts a range meets: a plan reused for another range keeps its parts only if the
    // same ones are met (a part it dropped may hold the new range's rows).
    PlanDecisions.record(span, range -> met(holds, range), met(holds, wanted));
    List<RelNode> kept = new ArrayList<>();
    for (int i = 0; i < holds.size(); i++) {
      if (!holds.get(i).intersect(wanted).isEmpty()) {
        kept.add(union.getInputs().get(i));
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

  /** Which of the parts holding {@code holds} meet {@code range}. */
  private static List<Boolean> met(List<TimeRange> holds, TimeRange range) {
    return holds.stream().map(h -> !h.intersect(range).isEmpty()).toList();
  }
}
