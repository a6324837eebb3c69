package io.tidewater.federation.lake;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.convert.ConverterImpl;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * Where a lake scan meets Calcite's engine: the scan is planned once at implementation and the
 * generated code is handed a stashed {@link LakeQuery} that lists the files and decodes them when run.
 */
public final class LakeToEnumerableConverter extends ConverterImpl implements EnumerableRel {

  LakeToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, ConventionTraitDef.INSTANCE, traits, input);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new LakeToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return super.computeSelfCost(planner, mq).multiplyBy(0.1);
  }

  /** The query this converter runs (for EXPLAIN and tests). */
  public LakeQuery query() {
    LakeQueryBuilder builder = new LakeQueryBuilder();
    builder.visit((LakeRel) getInput());
    return builder.build();
  }

  /** The qualified name of the lake table read ({@code lake, database, measurement}). */
  public List<String> tableName() {
    RelNode node = getInput();
    while (!(node instanceof LakeTableScan)) {
      node = node.getInput(0);
    }
    return node.getTable().getQualifiedName();
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    RelWriter w = super.explainTerms(pw);
    if (!concrete(getInput())) {
      return w; // still planning: the query is built once the plan is chosen
    }
    LakeQuery q = query();
    return w.item("scan", q.describe());
  }

  private static boolean concrete(RelNode node) {
    return node instanceof LakeRel && node.getInputs().stream().allMatch(LakeToEnumerableConverter::concrete);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    return io.tidewater.federation.ScanToEnumerable.implement(implementor, pref, getRowType(), query(), LakeQuery.class);
  }

}
