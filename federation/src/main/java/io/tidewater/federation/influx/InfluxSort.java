package io.tidewater.federation.influx;

import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/** {@code ORDER BY time [DESC]} and {@code LIMIT n} of an InfluxQL query. */
public final class InfluxSort extends SingleRel implements InfluxRel {

  private final Boolean descending;
  private final Long limit;

  /** {@code descending} null: no order asked; {@code limit} null: all rows. */
  InfluxSort(
      RelOptCluster cluster, RelTraitSet traits, RelNode input, Boolean descending, Long limit) {
    super(cluster, traits, input);
    this.descending = descending;
    this.limit = limit;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new InfluxSort(getCluster(), traitSet, sole(inputs), descending, limit);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return super.computeSelfCost(planner, mq).multiplyBy(0.05);
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    double input = mq.getRowCount(getInput());
    return limit == null ? input : Math.min(input, limit);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .itemIf("order", Boolean.TRUE.equals(descending) ? "time DESC" : "time", descending != null)
        .itemIf("limit", limit, limit != null);
  }

  @Override
  public void implement(InfluxQueryBuilder builder) {
    builder.visitInput(getInput());
    builder.descending = descending;
    builder.limit = limit;
  }
}
