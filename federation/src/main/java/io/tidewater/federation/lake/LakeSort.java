package io.tidewater.federation.lake;

import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * {@code ORDER BY time [DESC] LIMIT n} of raw rows: windows are read newest (or oldest) first and
 * the scan stops once no earlier (later) window can hold a better row, so "the latest points" reads
 * about one window instead of the whole lake.
 */
public final class LakeSort extends SingleRel implements LakeRel {

  private final boolean descending;
  private final long limit;

  LakeSort(
      RelOptCluster cluster, RelTraitSet traits, RelNode input, boolean descending, long limit) {
    super(cluster, traits, input);
    this.descending = descending;
    this.limit = limit;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new LakeSort(getCluster(), traitSet, sole(inputs), descending, limit);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return super.computeSelfCost(planner, mq).multiplyBy(0.05);
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    return Math.min(limit, mq.getRowCount(getInput()));
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .item("order", descending ? "time DESC" : "time")
        .item("limit", limit);
  }

  @Override
  public void implement(LakeQueryBuilder builder) {
    builder.visitInput(getInput());
    builder.descending = descending;
    builder.limit = limit;
  }
}
