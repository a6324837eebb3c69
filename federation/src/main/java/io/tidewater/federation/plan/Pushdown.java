package io.tidewater.federation.plan;

import io.tidewater.federation.functions.InfluxSelectors;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.rollup.FieldType;
import io.tidewater.policy.rollup.QueryAggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.calcite.plan.hep.HepRelVertex;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * What the planner rules of both adapters need to know of the scan a subtree would become: its
 * output columns, and the aggregation an Aggregate above it would push. Works on logical nodes and
 * on adapter nodes alike, looking through planner subsets, so a rule can decide before its input
 * has been converted.
 */
public final class Pushdown {

  /** The adapter's own nodes: the columns of its raw scans, filters and projections. */
  public interface Adapter {
    /** The columns of an adapter node that yields raw rows, or null if {@code rel} is not one. */
    List<ScanColumn> rawColumnsOf(RelNode rel, Function<RelNode, List<ScanColumn>> below);

    /** The measurement's columns, if {@code rel} is the adapter's scan. */
    MeasurementSchema schemaOf(RelNode rel);

    /** The aggregate an adapter computes for a call on a field, or null if it cannot (exactly). */
    ScanColumn.Aggregate aggregate(SqlKind kind, ScanColumn.Field field, FieldType resultType);

    /** Whether COUNT(*) (rows) can be computed for this measurement. */
    boolean countsRows(MeasurementSchema schema);
  }

  /** A pushable aggregation: bucket width (0: none), GROUP BY tags, and the output columns. */
  public record AggregatePlan(
      long bucketMillis, List<String> groupTags, List<ScanColumn> columns) {}

  // The planner's graph has cycles (a subset may contain a node whose input is that subset): depth
  // bounds the walk.
  private static final int MAX_DEPTH = 12;

  private Pushdown() {}

  /**
   * COUNT, SUM (and SUM0), MIN, MAX and AVG of a float field as the aggregate both adapters compute
   * ({@code count}, {@code sum}, {@code min}, {@code max}, {@code mean}); null for others.
   * Calcite's AVG of an integer column is an integer, which neither computes.
   */
  public static ScanColumn.Aggregate standardAggregate(
      SqlKind kind, ScanColumn.Field field, FieldType resultType) {
    QueryAggregate function =
        switch (kind) {
          case COUNT -> QueryAggregate.COUNT;
          case SUM, SUM0 -> QueryAggregate.SUM;
          case MIN -> QueryAggregate.MIN;
          case MAX -> QueryAggregate.MAX;
          case AVG -> field.type() == FieldType.FLOAT ? QueryAggregate.MEAN : null;
          default -> null;
        };
    return function == null
        ? null
        : new ScanColumn.Aggregate(
            function, field.name(), resultType, kind == SqlKind.COUNT || kind == SqlKind.SUM0);
  }

  /**
   * The standard aggregates, and ARG_MIN/ARG_MAX of a field by time as InfluxQL's {@code first} and
   * {@code last} (the value at the earliest / latest point having one; of points of several series
   * at the same time InfluxDB takes the greater value, as the InfluxQL translation's own functions
   * do, where SQL's may take any).
   */
  public static ScanColumn.Aggregate influxAggregate(
      SqlKind kind, ScanColumn.Field field, FieldType resultType) {
    QueryAggregate function =
        switch (kind) {
          case ARG_MIN -> QueryAggregate.FIRST;
          case ARG_MAX -> QueryAggregate.LAST;
          default -> null;
        };
    return function == null
        ? standardAggregate(kind, field, resultType)
        : new ScanColumn.Aggregate(function, field.name(), resultType, false);
  }

  /**
   * The output columns of a raw (not aggregated, not limited) scan, or null if {@code node} is not
   * one.
   */
  public static List<ScanColumn> rawColumns(RelNode node, Adapter adapter) {
    return rawColumns(node, adapter, 0);
  }

  private static List<ScanColumn> rawColumns(RelNode node, Adapter adapter, int depth) {
    if (depth > MAX_DEPTH) {
      return null;
    }
    for (RelNode rel : alternatives(node)) {
      List<ScanColumn> columns = adapter.rawColumnsOf(rel, n -> rawColumns(n, adapter, depth + 1));
      if (columns == null && rel instanceof Filter) {
        columns = rawColumns(rel.getInput(0), adapter, depth + 1);
      }
      if (columns == null && rel instanceof LogicalProject project) {
        List<ScanColumn> in = rawColumns(project.getInput(), adapter, depth + 1);
        columns = in == null ? null : project(project.getProjects(), in);
      }
      if (columns != null) {
        return columns;
      }
    }
    return null;
  }

  /**
   * The columns of a projection over raw columns, or null if an expression is not a column or a
   * bucket.
   */
  public static List<ScanColumn> project(List<RexNode> exprs, List<ScanColumn> in) {
    List<ScanColumn> columns = new ArrayList<>();
    for (RexNode e : exprs) {
      if (e instanceof RexInputRef ref) {
        columns.add(in.get(ref.getIndex()));
        continue;
      }
      TimeBuckets.Bucket bucket = TimeBuckets.of(e);
      if (bucket == null || !(in.get(bucket.timeOrdinal()) instanceof ScanColumn.Time)) {
        return null;
      }
      columns.add(new ScanColumn.Bucket(bucket.widthMillis()));
    }
    return columns;
  }

  /** The adapter's form of an aggregation, or null if it has none that is exact. */
  public static AggregatePlan aggregate(LogicalAggregate aggregate, Adapter adapter) {
    List<ScanColumn> in = rawColumns(aggregate.getInput(), adapter);
    MeasurementSchema schema = schema(aggregate.getInput(), adapter, 0);
    if (in == null || schema == null || aggregate.getGroupSets().size() != 1) {
      return null;
    }
    long bucket = 0;
    List<String> tags = new ArrayList<>();
    List<ScanColumn> out = new ArrayList<>();
    for (int key : aggregate.getGroupSet()) {
      ScanColumn c = in.get(key);
      if (c instanceof ScanColumn.Tag t) {
        tags.add(t.name());
      } else if (c instanceof ScanColumn.Bucket b && bucket == 0) {
        bucket = b.widthMillis();
      } else {
        return null; // grouping by raw time or fields
      }
      out.add(c);
    }
    for (AggregateCall agg : aggregate.getAggCallList()) {
      ScanColumn.Aggregate a = aggregate(agg, in, schema, adapter);
      if (a == null) {
        return null;
      }
      out.add(a);
    }
    return new AggregatePlan(bucket, tags, out);
  }

  private static ScanColumn.Aggregate aggregate(
      AggregateCall agg, List<ScanColumn> in, MeasurementSchema schema, Adapter adapter) {
    SqlKind kind = kind(agg);
    // ARG_MIN(x, time) / ARG_MAX(x, time): x at the earliest / latest time where x has a value.
    boolean byTime =
        (kind == SqlKind.ARG_MIN || kind == SqlKind.ARG_MAX)
            && agg.getArgList().size() == 2
            && in.get(agg.getArgList().get(1)) instanceof ScanColumn.Time;
    if (agg.isDistinct()
        || agg.hasFilter()
        || agg.getArgList().size() > (byTime ? 2 : 1)
        || agg.isApproximate()) {
      return null;
    }
    FieldType resultType =
        switch (agg.getType().getSqlTypeName()) {
          case DOUBLE, FLOAT, REAL -> FieldType.FLOAT;
          case BIGINT, INTEGER -> FieldType.INTEGER;
          default -> null;
        };
    if (resultType == null) {
      return null;
    }
    if (agg.getArgList().isEmpty()) {
      if (kind != SqlKind.COUNT || !adapter.countsRows(schema)) {
        return null;
      }
      List<FieldColumn> fields = schema.fields();
      // COUNT(*): the adapter counts rows; its single field stands for them where it needs one.
      return adapter.aggregate(
          kind,
          fields.size() == 1
              ? new ScanColumn.Field(fields.get(0).name(), fields.get(0).type())
              : null,
          resultType);
    }
    if (!(in.get(agg.getArgList().get(0)) instanceof ScanColumn.Field field)) {
      return null;
    }
    if (!field.type().isNumeric() && kind != SqlKind.COUNT) {
      return null;
    }
    if (kind != SqlKind.COUNT
        && (resultType == FieldType.FLOAT) != (field.type() == FieldType.FLOAT)) {
      return null; // a cast inside the aggregate: Calcite must compute it
    }
    return adapter.aggregate(kind, field, resultType);
  }

  /**
   * The call's kind; InfluxQL's first() and last() in buckets ({@link InfluxSelectors}) count as
   * ARG_MIN and ARG_MAX of the field by time, the same function for a back end computing them.
   */
  private static SqlKind kind(AggregateCall agg) {
    InfluxSelectors.Kind bucket = InfluxSelectors.bucketKind(agg.getAggregation().getName());
    if (bucket == InfluxSelectors.Kind.FIRST) {
      return SqlKind.ARG_MIN;
    }
    return bucket == InfluxSelectors.Kind.LAST ? SqlKind.ARG_MAX : agg.getAggregation().getKind();
  }

  private static MeasurementSchema schema(RelNode node, Adapter adapter, int depth) {
    if (depth > MAX_DEPTH) {
      return null;
    }
    for (RelNode rel : alternatives(node)) {
      MeasurementSchema s = adapter.schemaOf(rel);
      if (s != null) {
        return s;
      }
      if (rel.getInputs().size() == 1 && !(rel instanceof Aggregate)) {
        MeasurementSchema below = schema(rel.getInput(0), adapter, depth + 1);
        if (below != null) {
          return below;
        }
      }
    }
    return null;
  }

  /** The nodes a planner placeholder stands for. */
  public static List<RelNode> alternatives(RelNode node) {
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
