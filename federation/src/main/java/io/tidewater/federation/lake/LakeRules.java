package io.tidewater.federation.lake;

import io.tidewater.federation.FederationRules;
import io.tidewater.federation.MeasurementColumns;
import io.tidewater.federation.Pushdown;
import io.tidewater.federation.RuleConfig;
import io.tidewater.federation.ScanColumn;
import io.tidewater.federation.TimeBounds;
import io.tidewater.federation.TimeRange;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

/** The planner rules of the lake adapter: pruning, projection and aggregation folded into the scan. */
public final class LakeRules {

  public static final RelOptRule FILTER = RuleConfig.of("LakeFilterRule",
      b -> b.operand(LogicalFilter.class).oneInput(b1 -> b1.operand(LakeTableScan.class).noInputs()),
      FilterRule::new).toRule();
  public static final RelOptRule PROJECT = ConverterRule.Config.INSTANCE
      .withConversion(LogicalProject.class, Convention.NONE, LakeRel.CONVENTION, "LakeProjectRule")
      .withRuleFactory(ProjectRule::new).toRule();
  public static final RelOptRule AGGREGATE = ConverterRule.Config.INSTANCE
      .withConversion(LogicalAggregate.class, Convention.NONE, LakeRel.CONVENTION, "LakeAggregateRule")
      .withRuleFactory(AggregateRule::new).toRule();
  public static final RelOptRule TO_ENUMERABLE = ConverterRule.Config.INSTANCE
      .withConversion(RelNode.class, LakeRel.CONVENTION, EnumerableConvention.INSTANCE, "LakeToEnumerableConverterRule")
      .withRuleFactory(ToEnumerable::new).toRule();

  public static final RelOptRule ROLLUP = LakeRollupRule.CONFIG.toRule();
  public static final RelOptRule SORT = ConverterRule.Config.INSTANCE
      .withConversion(LogicalSort.class, Convention.NONE, LakeRel.CONVENTION, "LakeSortRule")
      .withRuleFactory(SortRule::new).toRule();

  public static final List<RelOptRule> ALL = List.of(FILTER, PROJECT, AGGREGATE, ROLLUP, SORT, TO_ENUMERABLE);

  private LakeRules() {}

  static void register(RelOptPlanner planner) {
    ALL.forEach(planner::addRule);
    FederationRules.register(planner);
  }

  /** Time bounds and tag equalities (= and IN), which the reader applies exactly, become the scan's pruning; the rest stays above. */
  static final class FilterRule extends RelRule<RuleConfig> {
    FilterRule(RuleConfig config) {
      super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
      LogicalFilter filter = call.rel(0);
      LakeTableScan scan = call.rel(1);
      RexBuilder rex = filter.getCluster().getRexBuilder();
      var schema = scan.lakeTable().schema();
      TimeRange range = TimeRange.ALL;
      Map<String, Set<String>> tags = new HashMap<>();
      List<RexNode> remaining = new ArrayList<>();
      List<RexNode> conjuncts = TimeBounds.RelConjuncts.of(rex, filter.getCondition());
      for (RexNode conjunct : conjuncts) {
        TimeRange bound = TimeBounds.bound(conjunct, 0);
        if (bound != null) {
          range = range.intersect(bound);
          continue;
        }
        Map.Entry<String, Set<String>> tagValues = tagValues(schema, conjunct);
        if (tagValues != null) {
          LakeFilter.keepOnly(tags, tagValues.getKey(), tagValues.getValue());
          continue;
        }
        remaining.add(conjunct);
      }
      if (remaining.size() == conjuncts.size()) {
        return;
      }
      RelNode pushed = new LakeFilter(scan.getCluster(), scan.getTraitSet(), scan, range, tags);
      call.transformTo(remaining.isEmpty() ? pushed : LogicalFilter.create(pushed, RexUtil.composeConjunction(rex, remaining)));
    }

    /** {@code tag = 'v'} or an OR of such on one tag: the values it keeps. */
    private static Map.Entry<String, Set<String>> tagValues(MeasurementSchema schema,
        RexNode conjunct) {
      Set<String> values = new HashSet<>();
      Integer tag = null;
      List<RexNode> alternatives = conjunct.getKind() == SqlKind.OR ? ((RexCall) conjunct).getOperands() : List.of(conjunct);
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
        if (!(a instanceof RexInputRef ref) || !(b instanceof RexLiteral lit) || lit.isNull()
            || MeasurementColumns.kind(schema, ref.getIndex()) != MeasurementColumns.Kind.TAG
            || tag != null && tag != ref.getIndex()) {
          return null;
        }
        tag = ref.getIndex();
        values.add(lit.getValueAs(String.class));
      }
      return tag == null ? null : Map.entry(MeasurementColumns.name(schema, tag), values);
    }
  }

  /** Projections of columns and time buckets. */
  static final class ProjectRule extends ConverterRule {
    ProjectRule(Config config) {
      super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
      LogicalProject project = (LogicalProject) rel;
      List<ScanColumn> in = Pushdown.rawColumns(project.getInput(), LakeRels.INSTANCE);
      List<ScanColumn> columns = in == null ? null : Pushdown.project(project.getProjects(), in);
      if (columns == null) {
        return null;
      }
      var traits = project.getTraitSet().replace(LakeRel.CONVENTION);
      return new LakeProject(project.getCluster(), traits, convert(project.getInput(), traits.replace(RelCollations.EMPTY)),
          columns, project.getRowType());
    }
  }

  /** GROUP BY time buckets and tags with COUNT, SUM, MIN, MAX and AVG of float fields. */
  static final class AggregateRule extends ConverterRule {
    AggregateRule(Config config) {
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
      return new LakeAggregate(aggregate.getCluster(), traits,
          convert(aggregate.getInput(), traits.replace(RelCollations.EMPTY)), plan.bucketMillis(), plan.groupTags(),
          plan.columns(), aggregate.getRowType());
    }
  }

  /** {@code ORDER BY time [DESC] LIMIT n} over raw rows (time the only sort key: ties may fall either way, as SQL allows). */
  static final class SortRule extends ConverterRule {
    SortRule(Config config) {
      super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
      LogicalSort sort = (LogicalSort) rel;
      if (sort.offset != null || !(sort.fetch instanceof RexLiteral fetch) || sort.getCollation().getFieldCollations().size() != 1) {
        return null;
      }
      List<ScanColumn> in = Pushdown.rawColumns(sort.getInput(), LakeRels.INSTANCE);
      var key = sort.getCollation().getFieldCollations().get(0);
      if (in == null || !(in.get(key.getFieldIndex()) instanceof ScanColumn.Time)) {
        return null;
      }
      var traits = sort.getTraitSet().replace(LakeRel.CONVENTION);
      return new LakeSort(sort.getCluster(), traits, convert(sort.getInput(), traits.replace(RelCollations.EMPTY)),
          key.getDirection().isDescending(), fetch.getValueAs(Long.class));
    }
  }

  /** Hands a lake scan's rows to Calcite's engine. */
  static final class ToEnumerable extends ConverterRule {
    ToEnumerable(Config config) {
      super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
      return new LakeToEnumerableConverter(rel.getCluster(), rel.getTraitSet().replace(EnumerableConvention.INSTANCE), rel);
    }
  }
}
