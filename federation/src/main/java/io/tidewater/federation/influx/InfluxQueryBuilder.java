package io.tidewater.federation.influx;

import io.tidewater.federation.TimeRange;
import io.tidewater.federation.plan.Binding;
import io.tidewater.federation.plan.ScanColumn;
import io.tidewater.federation.plan.TimeSpan;
import io.tidewater.lifecycle.influx.InfluxQl;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.RelNode;

/**
 * Collects what a tree of {@link InfluxRel}s asks of InfluxDB (time range, conditions, columns,
 * grouping, order, limit) and turns it into one InfluxQL statement with every identifier and
 * literal escaped.
 */
public final class InfluxQueryBuilder {

  /** InfluxDB's earliest and latest representable times: bounded queries use them for open ends. */
  static final long MIN_TIME = -9_223_372_036_854_775_806L;

  static final long MAX_TIME = 9_223_372_036_854_775_806L;

  InfluxTable table;
  boolean influxQlGroups;
  TimeSpan range = TimeSpan.ALL;
  final List<InfluxCondition> where = new ArrayList<>();
  List<ScanColumn> columns = new ArrayList<>();
  boolean aggregated;
  long bucketMillis;
  final List<String> groupTags = new ArrayList<>();
  Boolean descending;
  Long limit;

  /** Whether the query depends on the statement's parameters (its range or conditions). */
  boolean parameterized() {
    return range.parameterized() || where.stream().anyMatch(InfluxCondition::parameterized);
  }

  /** Visits {@code rel}'s input chain and then {@code rel}. */
  public void visit(InfluxRel rel) {
    rel.implement(this);
  }

  void visitInput(RelNode input) {
    ((InfluxRel) input).implement(this);
  }

  /**
   * The query for a run with the statement's parameters bound to {@code binding}: its statement
   * text and how each output column is read from the answer.
   */
  public InfluxQuery build(Binding binding) {
    TimeRange range = this.range.resolve(binding);
    MeasurementSchema schema = table.schema();
    StringBuilder q = new StringBuilder("SELECT ");
    String gapPresence = null;
    int gapBucketColumn = -1;
    List<String> select = new ArrayList<>();
    List<Integer> answerColumn = new ArrayList<>();
    if (!aggregated) {
      for (FieldColumn f : schema.fields()) {
        select.add(InfluxQl.identifier(f.name()) + "::field");
      }
      Set<String> tags = new LinkedHashSet<>();
      for (ScanColumn c : columns) {
        if (c instanceof ScanColumn.Tag t) {
          tags.add(t.name());
        }
      }
      List<String> tagList = new ArrayList<>(tags);
      for (String t : tagList) {
        select.add(InfluxQl.identifier(t) + "::tag");
      }
      for (ScanColumn c : columns) {
        if (c instanceof ScanColumn.Field f) {
          answerColumn.add(1 + schema.fieldIndex(f.name()));
        } else if (c instanceof ScanColumn.Tag t) {
          answerColumn.add(1 + schema.fields().size() + tagList.indexOf(t.name()));
        } else if (c instanceof ScanColumn.Aggregate) {
          throw new IllegalStateException("aggregate in a raw query");
        } else {
          answerColumn.add(0); // time, or a bucket of it
        }
      }
    } else {
      List<String> aggregates = new ArrayList<>();
      Set<String> aggregatedFields = new HashSet<>();
      for (ScanColumn c : columns) {
        if (c instanceof ScanColumn.Aggregate a) {
          String expr = a.function().influxQl() + "(" + InfluxQl.identifier(a.field()) + "::field)";
          if (!aggregates.contains(expr)) {
            aggregates.add(expr);
          }
          aggregatedFields.add(a.field());
          answerColumn.add(1 + aggregates.indexOf(expr));
        } else if (c instanceof ScanColumn.Tag t) {
          answerColumn.add(-1 - groupTags.indexOf(t.name()));
        } else {
          answerColumn.add(0); // the bucket's start
        }
      }
      // A group exists in SQL wherever a point does; fill(none) drops buckets where no selected
      // aggregate has a value. An aggregate without groups is one row anyway (the enumerator makes
      // it over no points); buckets alone are checked for gaps after the answer (BucketGaps), so
      // InfluxDB reads only the aggregated fields; with tag groups, whose set is unknown, every
      // other field is counted to keep those groups.
      List<String> presence = new ArrayList<>();
      for (FieldColumn f : schema.fields()) {
        if (!aggregatedFields.contains(f.name())) {
          presence.add("count(" + InfluxQl.identifier(f.name()) + "::field)");
        }
      }
      int bucketColumn = columns.indexOf(new ScanColumn.Bucket(bucketMillis));
      if (aggregates.isEmpty()) {
        // Groups without aggregates (GROUP BY buckets or tags alone, SELECT DISTINCT): InfluxQL
        // needs a call, and the fields' counts find exactly the groups where a point is.
        aggregates.addAll(presence);
      } else if (influxQlGroups) {
        // Answering InfluxQL: groups where no aggregated field has a value may be left out.
      } else if (!presence.isEmpty()
          && groupTags.isEmpty()
          && bucketMillis > 0
          && bucketColumn >= 0) {
        gapPresence = String.join(", ", presence);
        gapBucketColumn = bucketColumn;
      } else if (!groupTags.isEmpty() || bucketMillis > 0) {
        aggregates.addAll(presence);
      }
      select.addAll(aggregates);
    }
    q.append(String.join(", ", select));
    String fromClause =
        " FROM "
            + InfluxQl.measurement(table.database(), table.retentionPolicy(), schema.measurement());
    long start = Math.max(range.from(), MIN_TIME);
    long end = Math.min(range.to(), MAX_TIME);
    StringBuilder conditions = new StringBuilder();
    for (InfluxCondition w : where) {
      conditions.append(" AND ").append(w.render(binding));
    }
    q.append(fromClause)
        .append(" WHERE time >= ")
        .append(start)
        .append(" AND time < ")
        .append(end)
        .append(conditions);
    if (aggregated) {
      List<String> group = new ArrayList<>();
      if (bucketMillis > 0) {
        group.add("time(" + bucketMillis + "ms)");
      }
      groupTags.forEach(t -> group.add(InfluxQl.identifier(t)));
      if (!group.isEmpty()) {
        q.append(" GROUP BY ").append(String.join(", ", group));
      }
      q.append(" fill(none)");
    }
    if (Boolean.TRUE.equals(descending)) {
      q.append(" ORDER BY time DESC");
    }
    if (limit != null) {
      q.append(" LIMIT ").append(limit);
    }
    BucketGaps gaps =
        gapPresence == null
            ? null
            : new BucketGaps(
                "SELECT " + gapPresence + fromClause,
                conditions.toString(),
                bucketMillis,
                Boolean.TRUE.equals(descending),
                gapBucketColumn,
                start,
                end);
    return new InfluxQuery(
        table.client(),
        table.database(),
        q.toString(),
        range.isEmpty(),
        List.copyOf(columns),
        answerColumn.stream().mapToInt(Integer::intValue).toArray(),
        List.copyOf(groupTags),
        range,
        limit,
        gaps);
  }
}
