package io.tidewater.federation.lake;

import io.tidewater.federation.plan.Binding;
import io.tidewater.federation.plan.ScanColumn;
import io.tidewater.federation.plan.TimeSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.RelNode;

/**
 * Collects what a tree of {@link LakeRel}s asks of the lake: time range, tag values, columns,
 * grouping.
 */
public final class LakeQueryBuilder {

  LakeTable table;
  LakeTableScan tableScan;
  List<String> tableName;
  TimeSpan range = TimeSpan.ALL;
  final List<TagCondition> tags = new ArrayList<>();
  List<ScanColumn> columns = new ArrayList<>();
  boolean aggregated;
  long bucketMillis;
  final List<String> groupTags = new ArrayList<>();
  boolean descending;
  long limit = -1;
  List<LakeAggregate.Edge> edges = List.of();

  void visit(LakeRel rel) {
    rel.implement(this);
  }

  void visitInput(RelNode input) {
    ((LakeRel) input).implement(this);
  }

  /** The scan for a run with the statement's parameters valued by {@code binding}. */
  LakeQuery build(Binding binding) {
    List<LakeQuery> edgeQueries = new ArrayList<>();
    Map<String, Set<String>> tagValues = TagCondition.resolve(tags, binding);
    for (LakeAggregate.Edge e : edges) {
      edgeQueries.add(
          e.query()
              .withRange(e.span().resolve(binding))
              .withTags(TagCondition.resolve(e.tags(), binding)));
    }
    return new LakeQuery(
        table,
        tableName,
        range.resolve(binding),
        tagValues,
        List.copyOf(columns),
        aggregated,
        bucketMillis,
        List.copyOf(groupTags),
        descending,
        limit,
        edgeQueries);
  }

  /** Whether the scan's ranges depend on the statement's parameters. */
  boolean parameterized() {
    return range.parameterized()
        || tags.stream().anyMatch(TagCondition::parameterized)
        || edges.stream()
            .anyMatch(
                e ->
                    e.span().parameterized()
                        || e.tags().stream().anyMatch(TagCondition::parameterized));
  }
}
