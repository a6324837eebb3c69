package io.tidewater.federation.lake;

import io.tidewater.federation.TimeRange;
import io.tidewater.federation.plan.ScanColumn;
import java.util.ArrayList;
import java.util.HashMap;
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
  TimeRange range = TimeRange.ALL;
  final Map<String, Set<String>> tagValues = new HashMap<>();
  List<ScanColumn> columns = new ArrayList<>();
  boolean aggregated;
  long bucketMillis;
  final List<String> groupTags = new ArrayList<>();
  boolean descending;
  long limit = -1;
  List<LakeQuery> edges = List.of();

  void visit(LakeRel rel) {
    rel.implement(this);
  }

  void visitInput(RelNode input) {
    ((LakeRel) input).implement(this);
  }

  LakeQuery build() {
    return new LakeQuery(
        table,
        tableName,
        range,
        Map.copyOf(tagValues),
        List.copyOf(columns),
        aggregated,
        bucketMillis,
        List.copyOf(groupTags),
        descending,
        limit,
        edges);
  }
}
