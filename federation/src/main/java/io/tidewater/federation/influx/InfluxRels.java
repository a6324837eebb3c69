package io.tidewater.federation.influx;

import io.tidewater.federation.TimeBuckets;
import io.tidewater.policy.rollup.FieldType;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.hep.HepRelVertex;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * What the planner rules need to know of the InfluxDB query a subtree would become: its output
 * columns and the aggregation an Aggregate above it would push. Works on logical nodes and on
 * InfluxDB nodes alike, looking through planner subsets, so a rule can decide before its input
 * has been converted.
 */
final class InfluxRels {

  /** A pushable aggregation: bucket width (0: none), GROUP BY tags, and the output columns. */
  record AggregatePlan(long bucketMillis, List<String> groupTags, List<InfluxColumn> columns) {}

  private InfluxRels() {}

  /** The output columns of a raw (not aggregated, not limited) query, or null if it is not one. */
  static List<InfluxColumn> rawColumns(RelNode node) {
    return rawColumns(node, 0);
  }

  // The planner's graph has cycles (a subset may contain a node whose input is that subset): depth bounds the walk.
  private static final int MAX_DEPTH = 12;

  private static List<InfluxColumn> rawColumns(RelNode node, int depth) {
    if (depth > MAX_DEPTH) {
      return null;
    }
    for (RelNode rel : alternatives(node)) {
      List<InfluxColumn> columns = rawColumnsOf(rel, depth + 1);
      if (columns != null) {
        return columns;
      }
    }
    return null;
  }

  private static List<InfluxColumn> rawColumnsOf(RelNode rel, int depth) {
    if (rel instanceof InfluxTableScan scan) {
      InfluxQueryBuilder builder = new InfluxQueryBuilder();
      scan.implement(builder);
      return builder.columns;
    }
    if (rel instanceof InfluxFilter || rel instanceof Filter) {
      return rawColumns(rel.getInput(0), depth);
    }
    if (rel instanceof InfluxProject project) {
      return project.columns();
    }
    if (rel instanceof LogicalProject project) {
      List<InfluxColumn> in = rawColumns(project.getInput(), depth);
      return in == null ? null : project(project.getProjects(), in);
    }
    return null;
  }

  /** The columns of a projection over raw columns, or null if an expression has no InfluxDB form. */
  static List<InfluxColumn> project(List<RexNode> exprs, List<InfluxColumn> in) {
    List<InfluxColumn> columns = new ArrayList<>();
    for (RexNode e : exprs) {
      if (e instanceof RexInputRef ref) {
        columns.add(in.get(ref.getIndex()));
        continue;
      }
      TimeBuckets.Bucket bucket = TimeBuckets.of(e);
      if (bucket == null || !(in.get(bucket.timeOrdinal()) instanceof InfluxColumn.Time)) {
        return null;
      }
      columns.add(new InfluxColumn.Bucket(bucket.widthMillis()));
    }
    return columns;
  }

  /** The InfluxQL form of an aggregation, or null if it has none that is exact. */
  static AggregatePlan aggregate(LogicalAggregate aggregate) {
    List<InfluxColumn> in = rawColumns(aggregate.getInput());
    InfluxTableScan scan = scan(aggregate.getInput());
    if (in == null || scan == null || aggregate.getGroupSets().size() != 1) {
      return null;
    }
    long bucket = 0;
    List<String> tags = new ArrayList<>();
    List<InfluxColumn> out = new ArrayList<>();
    for (int key : aggregate.getGroupSet()) {
      InfluxColumn c = in.get(key);
      if (c instanceof InfluxColumn.Tag t) {
        tags.add(t.name());
      } else if (c instanceof InfluxColumn.Bucket b && bucket == 0) {
        bucket = b.widthMillis();
      } else {
        return null; // grouping by raw time or fields has no InfluxQL form
      }
      out.add(c);
    }
    var fields = scan.influxTable().schema().fields();
    for (AggregateCall agg : aggregate.getAggCallList()) {
      InfluxColumn.Aggregate a = aggregate(agg, in, fields);
      if (a == null) {
        return null;
      }
      out.add(a);
    }
    return new AggregatePlan(bucket, tags, out);
  }

  private static InfluxColumn.Aggregate aggregate(AggregateCall agg, List<InfluxColumn> in,
      List<io.tidewater.lifecycle.parquet.FieldColumn> fields) {
    if (agg.isDistinct() || agg.hasFilter() || agg.getArgList().size() > 1 || agg.isApproximate()) {
      return null;
    }
    SqlKind kind = agg.getAggregation().getKind();
    InfluxColumn.Field field;
    if (agg.getArgList().isEmpty()) {
      // COUNT(*) counts points: only in a single-field measurement has every point that field.
      if (kind != SqlKind.COUNT || fields.size() != 1) {
        return null;
      }
      field = new InfluxColumn.Field(fields.get(0).name(), fields.get(0).type());
    } else if (in.get(agg.getArgList().get(0)) instanceof InfluxColumn.Field f) {
      field = f;
    } else {
      return null;
    }
    FieldType resultType = switch (agg.getType().getSqlTypeName()) {
      case DOUBLE, FLOAT, REAL -> FieldType.FLOAT;
      case BIGINT, INTEGER -> FieldType.INTEGER;
      default -> null;
    };
    String function = switch (kind) {
      case COUNT -> "count";
      case SUM, SUM0 -> "sum";
      case MIN -> "min";
      case MAX -> "max";
      // Calcite's AVG of an integer column is an integer; InfluxDB's mean is not.
      case AVG -> field.type() == FieldType.FLOAT ? "mean" : null;
      default -> null;
    };
    if (function == null || resultType == null || !field.type().isNumeric() && !function.equals("count")) {
      return null;
    }
    if (!function.equals("count") && (resultType == FieldType.FLOAT) != (field.type() == FieldType.FLOAT)) {
      return null; // a cast inside the aggregate: Calcite must compute it
    }
    return new InfluxColumn.Aggregate(function, field.name(), resultType, kind == SqlKind.COUNT || kind == SqlKind.SUM0);
  }

  /** The InfluxDB scan at the bottom of a chain of filters and projections. */
  static InfluxTableScan scan(RelNode node) {
    return scan(node, 0);
  }

  private static InfluxTableScan scan(RelNode node, int depth) {
    if (depth > MAX_DEPTH) {
      return null;
    }
    for (RelNode rel : alternatives(node)) {
      if (rel instanceof InfluxTableScan scan) {
        return scan;
      }
      if (rel.getInputs().size() == 1 && !(rel instanceof LogicalAggregate || rel instanceof InfluxAggregate)) {
        InfluxTableScan below = scan(rel.getInput(0), depth + 1);
        if (below != null) {
          return below;
        }
      }
    }
    return null;
  }

  private static List<RelNode> alternatives(RelNode node) {
    if (node instanceof RelSubset subset) {
      List<RelNode> rels = new ArrayList<>();
      if (subset.getBest() != null) {
        rels.add(subset.getBest());
      }
      rels.addAll(subset.getRelList());
      return rels;
    }
    if (node instanceof HepRelVertex vertex) {
      return List.of(vertex.getCurrentRel());
    }
    return List.of(node);
  }
}
