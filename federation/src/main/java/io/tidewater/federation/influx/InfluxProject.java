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

/** The columns a raw InfluxDB query returns: time, time buckets, tags and fields. */
public final class InfluxProject extends SingleRel implements InfluxRel {

  private final List<ScanColumn> columns;

  InfluxProject(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelNode input,
      List<ScanColumn> columns,
      RelDataType rowType) {
    super(cluster, traits, input);
    this.columns = List.copyOf(columns);
    this.rowType = rowType;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new InfluxProject(getCluster(), traitSet, sole(inputs), columns, rowType);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return super.computeSelfCost(planner, mq).multiplyBy(0.1);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).item("columns", columns);
  }

  List<ScanColumn> columns() {
    return columns;
  }

  @Override
  public void implement(InfluxQueryBuilder builder) {
    builder.visitInput(getInput());
    builder.columns = columns;
  }
}
