package io.tidewater.federation.lake;

import io.tidewater.federation.plan.ScanColumn;
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
import org.apache.calcite.rel.type.RelDataType;

/**
 * Aggregates computed while decoding: GROUP BY a time bucket and tags, COUNT/SUM/MIN/MAX/AVG of
 * fields.
 */
public final class LakeAggregate extends SingleRel implements LakeRel {

  private final long bucketMillis;
  private final List<String> groupTags;
  private final List<ScanColumn> columns;
  private final List<Edge> edges;

  /**
   * A raw aggregate merged into a rollup's groups: the scan, and the span it reads (a run's range
   * before or after the rollup's whole buckets).
   */
  /**
   * A raw edge of a rollup's range: its scan as planned, whose range ({@code span}) and tag values
   * ({@code tags}) are resolved per run.
   */
  record Edge(LakeQuery query, TimeSpan span, List<TagCondition> tags) {
    Edge {
      tags = List.copyOf(tags);
    }
  }

  LakeAggregate(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelNode input,
      long bucketMillis,
      List<String> groupTags,
      List<ScanColumn> columns,
      RelDataType rowType) {
    this(cluster, traits, input, bucketMillis, groupTags, columns, rowType, List.of());
  }

  /** With {@code edges}: raw aggregates merged into this one's groups ({@link LakeQuery}). */
  LakeAggregate(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelNode input,
      long bucketMillis,
      List<String> groupTags,
      List<ScanColumn> columns,
      RelDataType rowType,
      List<Edge> edges) {
    super(cluster, traits, input);
    this.edges = List.copyOf(edges);
    this.bucketMillis = bucketMillis;
    this.groupTags = List.copyOf(groupTags);
    this.columns = List.copyOf(columns);
    this.rowType = rowType;
  }

  long bucketMillis() {
    return bucketMillis;
  }

  List<String> groupTags() {
    return groupTags;
  }

  List<ScanColumn> columns() {
    return columns;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new LakeAggregate(
        getCluster(), traitSet, sole(inputs), bucketMillis, groupTags, columns, rowType, edges);
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
        .item("columns", columns)
        .itemIf("rawEdges", edges.stream().map(Edge::span).toList(), !edges.isEmpty());
  }

  @Override
  public void implement(LakeQueryBuilder builder) {
    builder.visitInput(getInput());
    builder.aggregated = true;
    builder.bucketMillis = bucketMillis;
    builder.groupTags.addAll(groupTags);
    builder.columns = columns;
    builder.edges = edges;
  }
}
