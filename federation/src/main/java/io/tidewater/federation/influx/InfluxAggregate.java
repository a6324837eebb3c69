package io.tidewater.federation.influx;

import io.tidewater.federation.plan.ScanColumn;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;

/** {@code GROUP BY time(width), tags} with InfluxQL aggregates, bounded and {@code fill(none)}. */
public final class InfluxAggregate extends SingleRel implements InfluxRel {

  private final long bucketMillis;
  private final List<String> groupTags;
  private final List<ScanColumn> columns;

  InfluxAggregate(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelNode input,
      long bucketMillis,
      List<String> groupTags,
      List<ScanColumn> columns,
      RelDataType rowType) {
    super(cluster, traits, input);
    this.bucketMillis = bucketMillis;
    this.groupTags = List.copyOf(groupTags);
    this.columns = List.copyOf(columns);
    this.rowType = rowType;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new InfluxAggregate(
        getCluster(), traitSet, sole(inputs), bucketMillis, groupTags, columns, rowType);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return super.computeSelfCost(planner, mq).multiplyBy(0.01);
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    return Math.max(1, mq.getRowCount(getInput()) / 100);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .itemIf("bucketMillis", bucketMillis, bucketMillis > 0)
        .item("groupTags", groupTags)
        .item("columns", columns);
  }

  List<String> groupTags() {
    return groupTags;
  }

  List<ScanColumn> columns() {
    return columns;
  }

  @Override
  public void implement(InfluxQueryBuilder builder) {
    builder.visitInput(getInput());
    builder.aggregated = true;
    builder.bucketMillis = bucketMillis;
    builder.groupTags.addAll(groupTags);
    builder.columns = columns;
  }
}
