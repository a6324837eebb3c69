package io.tidewater.federation.lake;

import io.tidewater.federation.plan.MeasurementColumns;
import io.tidewater.federation.plan.PlanDecisions;
import io.tidewater.federation.plan.RuleConfig;
import io.tidewater.federation.plan.TimeBounds;
import io.tidewater.federation.plan.TimeSpan;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Time bounds and tag equalities (= and IN), which the reader applies exactly, become the scan's
 * pruning; the rest stays above.
 */
public final class LakeFilterRule extends RelRule<RuleConfig> {

  static final RuleConfig CONFIG =
      RuleConfig.of(
          "LakeFilterRule",
          b ->
              b.operand(LogicalFilter.class)
                  .oneInput(b1 -> b1.operand(LakeTableScan.class).noInputs()),
          LakeFilterRule::new);

  private LakeFilterRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalFilter filter = call.rel(0);
    LakeTableScan scan = call.rel(1);
    RexBuilder rex = filter.getCluster().getRexBuilder();
    var schema = scan.lakeTable().schema();
    List<RexNode> time = new ArrayList<>();
    List<TagCondition> tags = new ArrayList<>();
    List<RexNode> remaining = new ArrayList<>();
    List<RexNode> conjuncts = TimeBounds.RelConjuncts.of(rex, filter.getCondition());
    for (RexNode conjunct : conjuncts) {
      if (TimeBounds.bound(conjunct, 0) != null) {
        time.add(conjunct);
        continue;
      }
      TagCondition tag = tagValues(schema, conjunct);
      if (tag != null) {
        tags.add(tag);
        continue;
      }
      remaining.add(conjunct);
    }
    if (remaining.size() == conjuncts.size()) {
      return;
    }
    RelNode pushed =
        new LakeFilter(scan.getCluster(), scan.getTraitSet(), scan, TimeSpan.Bounds.of(time), tags);
    call.transformTo(
        remaining.isEmpty()
            ? pushed
            : LogicalFilter.create(pushed, RexUtil.composeConjunction(rex, remaining)));
  }

  /**
   * {@code tag = 'v'} (or a string parameter, while its value is a non-empty string: recorded) or
   * an OR of such on one tag: the values it keeps.
   */
  private static TagCondition tagValues(MeasurementSchema schema, RexNode conjunct) {
    List<Object> values = new ArrayList<>();
    Integer tag = null;
    List<RexNode> alternatives =
        conjunct.getKind() == SqlKind.OR ? ((RexCall) conjunct).getOperands() : List.of(conjunct);
    for (RexNode alt : alternatives) {
      if (alt.getKind() != SqlKind.EQUALS) {
        return null;
      }
      RexNode a = ((RexCall) alt).getOperands().get(0);
      RexNode b = ((RexCall) alt).getOperands().get(1);
      if (b instanceof RexInputRef) {
        RexNode swap = a;
        a = b;
        b = swap;
      }
      if (!(a instanceof RexInputRef ref)
          || MeasurementColumns.kind(schema, ref.getIndex()) != MeasurementColumns.Kind.TAG
          || tag != null && tag != ref.getIndex()) {
        return null;
      }
      if (b instanceof RexLiteral lit && !lit.isNull()) {
        values.add(lit.getValueAs(String.class));
      } else if (b instanceof RexDynamicParam param
          && SqlTypeUtil.inCharFamily(param.getType())
          && PlanDecisions.pushable(PlanDecisions.stringKind(param.getIndex()))) {
        values.add(param.getIndex());
      } else {
        return null;
      }
      tag = ref.getIndex();
    }
    return tag == null ? null : new TagCondition(MeasurementColumns.name(schema, tag), values);
  }
}
