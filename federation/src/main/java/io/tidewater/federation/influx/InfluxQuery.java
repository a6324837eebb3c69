package io.tidewater.federation.influx;

import io.tidewater.federation.ScanColumn;
import io.tidewater.federation.TimeRange;
import io.tidewater.lifecycle.influx.InfluxClient;
import java.util.List;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;

/**
 * One pushed-down InfluxQL statement and how its answer becomes rows: {@code answerColumn[i]} is
 * the answer column of output column {@code i} (0 is time), or {@code -1 - k} for the k-th GROUP
 * BY tag, read from the series' tags.
 *
 * @param empty the time range is empty: nothing is asked of InfluxDB
 * @param limit the statement's LIMIT, or null. InfluxDB applies it to each field's values
 *     before joining them into rows, so rows past the first {@code limit} may lack values and are
 *     not read (the first {@code limit} are whole: each holds only buckets or points that come
 *     within the first {@code limit} of every field it has).
 * @param gaps how buckets missing from the answer are looked for, or null where the answer has every group
 */
public record InfluxQuery(InfluxClient client, String database, String influxql, boolean empty,
    List<ScanColumn> columns, int[] answerColumn, List<String> groupTags, TimeRange range, Long limit, BucketGaps gaps) {

  /** The statement, and the one that may follow it (EXPLAIN shows both). */
  public String explained() {
    return gaps == null ? influxql
        : influxql + "; then, only if a bucket of the range is missing from its answer, from the first missing one on: "
            + gaps.statementFrom(null);
  }

  /** The presence query for the rest of the range from {@code bucket} on: its rows are the buckets holding points. */
  InfluxQuery gapQuery(Long bucket) {
    return new InfluxQuery(client, database, gaps.statementFrom(bucket), false, List.of(new ScanColumn.Bucket(gaps.widthMillis())),
        new int[] {0}, List.of(), range, null, null);
  }

  /** The row of a group InfluxDB left out: the bucket, COUNTs 0 and the other aggregates NULL. */
  Object[] emptyGroup(long bucket) {
    Object[] row = new Object[columns.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = columns.get(i) instanceof io.tidewater.federation.ScanColumn.Aggregate a ? emptyValue(a) : bucket;
    }
    return row;
  }

  /** The values of a one-column answer; called by generated code. */
  public Enumerable<Object> scalarEnumerable() {
    return enumerable().select(row -> row[0]);
  }

  public Enumerable<Object> scalarEnumerable(org.apache.calcite.DataContext root) {
    return enumerable(root).select(row -> row[0]);
  }

  /**
   * The rows as generated code asks for them: waiting for InfluxDB ends at the execution's time
   * limit (Calcite's {@code timeout} variable, from the statement's query timeout) or when it is
   * cancelled, even while InfluxDB sends nothing.
   */
  public Enumerable<Object[]> enumerable(org.apache.calcite.DataContext root) {
    Object timeout = root.get(org.apache.calcite.DataContext.Variable.TIMEOUT.camelName);
    Object cancel = root.get(org.apache.calcite.DataContext.Variable.CANCEL_FLAG.camelName);
    long deadline = timeout instanceof Long ms && ms > 0
        ? System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(ms) : Long.MAX_VALUE;
    java.util.concurrent.atomic.AtomicBoolean cancelled = cancel instanceof java.util.concurrent.atomic.AtomicBoolean b
        ? b : new java.util.concurrent.atomic.AtomicBoolean();
    if (empty) {
      return enumerable();
    }
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        return rows(deadline, cancelled);
      }
    };
  }

  /** Whether this aggregates without groups: SQL then answers one row even over no points. */
  boolean global() {
    return columns.stream().allMatch(c -> c instanceof io.tidewater.federation.ScanColumn.Aggregate) && !columns.isEmpty()
        && groupTags.isEmpty();
  }

  /** The one row of an aggregate without groups over no points: COUNT 0, SUM0 0, the rest NULL. */
  Object[] emptyRow() {
    Object[] row = new Object[columns.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = emptyValue((io.tidewater.federation.ScanColumn.Aggregate) columns.get(i));
    }
    return row;
  }

  private static Object emptyValue(io.tidewater.federation.ScanColumn.Aggregate a) {
    return !a.zeroWhenEmpty() ? null
        : a.resultType() == io.tidewater.policy.rollup.FieldType.FLOAT ? (Object) 0.0 : (Object) 0L;
  }

  /** The rows, streamed from InfluxDB as they arrive; called by generated code. */
  public Enumerable<Object[]> enumerable() {
    if (empty) {
      return global() ? Linq4j.singletonEnumerable(emptyRow()) : Linq4j.emptyEnumerable();
    }
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        return rows(Long.MAX_VALUE, new java.util.concurrent.atomic.AtomicBoolean());
      }
    };
  }

  private Enumerator<Object[]> rows(long deadline, java.util.concurrent.atomic.AtomicBoolean cancelled) {
    InfluxEnumerator answer = new InfluxEnumerator(this, deadline, cancelled);
    return gaps == null ? answer : new BucketGapEnumerator(this, answer, bucket -> new InfluxEnumerator(gapQuery(bucket), deadline, cancelled));
  }
}
