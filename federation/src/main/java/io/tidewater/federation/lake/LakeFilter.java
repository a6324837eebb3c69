package io.tidewater.federation.lake;

import io.tidewater.federation.plan.TimeSpan;
import io.tidewater.lifecycle.influx.InfluxQl;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * The time range (a span of the statement's parameters) and tag values (literals or parameters) a
 * lake scan keeps: windows, files, row groups and pages outside them are skipped.
 */
public final class LakeFilter extends SingleRel implements LakeRel {

  private final TimeSpan range;
  private final List<TagCondition> tags;

  LakeFilter(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelNode input,
      TimeSpan range,
      List<TagCondition> tags) {
    super(cluster, traits, input);
    this.range = range;
    this.tags = List.copyOf(tags);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new LakeFilter(getCluster(), traitSet, sole(inputs), range, tags);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return super.computeSelfCost(planner, mq).multiplyBy(0.1);
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    return mq.getRowCount(getInput()) * (range.bounded() ? 0.1 : 0.5) * Math.pow(0.3, tags.size());
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .item("time", range)
        .itemIf("tags", tags.stream().map(TagCondition::toString).toList(), !tags.isEmpty());
  }

  /**
   * Tag values as plans print them: names and values quoted and escaped, in order, so that no two
   * different conditions print alike (a plan's text tells plans apart: Volcano's digests, the
   * result cache's keys).
   */
  static String describe(Map<String, Set<String>> tagValues) {
    StringBuilder s = new StringBuilder("{");
    new TreeMap<>(tagValues)
        .forEach(
            (tag, values) -> {
              if (s.length() > 1) {
                s.append(", ");
              }
              s.append(InfluxQl.identifier(tag)).append(" IN (");
              s.append(
                      String.join(
                          ", ", new TreeSet<>(values).stream().map(InfluxQl::string).toList()))
                  .append(')');
            });
    return s.append('}').toString();
  }

  @Override
  public void implement(LakeQueryBuilder builder) {
    builder.visitInput(getInput());
    narrow(builder);
  }

  /** Narrows a scan being built to this filter's time range and tag values. */
  void narrow(LakeQueryBuilder builder) {
    builder.range = builder.range.and(range);
    builder.tags.addAll(tags);
  }

  /**
   * Limits {@code tag} to {@code values} in {@code into}: two conditions on one tag keep what both
   * allow.
   */
  static void keepOnly(Map<String, Set<String>> into, String tag, Set<String> values) {
    into.merge(
        tag,
        values,
        (a, b) -> {
          Set<String> both = new HashSet<>(a);
          both.retainAll(b);
          return both;
        });
  }
}
