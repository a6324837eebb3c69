package io.tidewater.federation.influx;

import io.tidewater.federation.plan.TimeSpan;
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
 * The time range (a span of the statement's parameters) and conditions of an InfluxQL WHERE clause.
 */
public final class InfluxFilter extends SingleRel implements InfluxRel {

  private final TimeSpan range;
  private final List<InfluxCondition> where;

  InfluxFilter(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelNode input,
      TimeSpan range,
      List<InfluxCondition> where) {
    super(cluster, traits, input);
    this.range = range;
    this.where = List.copyOf(where);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new InfluxFilter(getCluster(), traitSet, sole(inputs), range, where);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return super.computeSelfCost(planner, mq).multiplyBy(0.1);
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    return mq.getRowCount(getInput()) * (range.bounded() ? 0.1 : 0.5) * Math.pow(0.5, where.size());
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .item("time", range)
        .itemIf(
            "where",
            String.join(" AND ", where.stream().map(InfluxCondition::toString).toList()),
            !where.isEmpty());
  }

  @Override
  public void implement(InfluxQueryBuilder builder) {
    builder.visitInput(getInput());
    builder.range = builder.range.and(range);
    builder.where.addAll(where);
  }
}
