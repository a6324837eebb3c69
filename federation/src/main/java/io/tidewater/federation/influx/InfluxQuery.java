package io.tidewater.federation.influx;

import io.tidewater.federation.TimeRange;
import io.tidewater.federation.plan.ScanColumn;
import io.tidewater.federation.plan.ScanQuery;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.policy.rollup.FieldType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;

/**
 * One pushed-down InfluxQL statement and how its answer becomes rows: {@code answerColumn[i]} is
 * the answer column of output column {@code i} (0 is time), or {@code -1 - k} for the k-th GROUP BY
 * tag, read from the series' tags.
 *
 * @param empty the time range is empty: nothing is asked of InfluxDB
 * @param limit the statement's LIMIT, or null. InfluxDB applies it to each field's values before
 *     joining them into rows, so rows past the first {@code limit} may lack values and are not read
 *     (the first {@code limit} are whole: each holds only buckets or points that come within the
 *     first {@code limit} of every field it has).
 * @param gaps how buckets missing from the answer are looked for, or null where the answer has
 *     every group
 */
public record InfluxQuery(
    InfluxClient client,
    String database,
    String influxql,
    boolean empty,
    List<ScanColumn> columns,
    int[] answerColumn,
    List<String> groupTags,
    TimeRange range,
    Long limit,
    BucketGaps gaps)
    implements ScanQuery {

  /** The statement, and the presence query that may follow it (EXPLAIN shows both). */
  public String explained() {
    return gaps == null
        ? influxql
        : influxql
            + "; then, only over the part of the range its answer leaves unknown (from the first bucket missing from"
            + " it, or past its buckets where the range is open), over at most that part of: "
            + gaps.statementFrom(null, limit);
  }

  /**
   * A presence query: its rows are the buckets holding points, at most {@code limit} (null: all).
   */
  InfluxQuery gapQuery(String statement, Long limit) {
    return new InfluxQuery(
        client,
        database,
        statement,
        false,
        List.of(new ScanColumn.Bucket(gaps.widthMillis())),
        new int[] {0},
        List.of(),
        range,
        limit,
        null);
  }

  /** The row of a group InfluxDB left out: the bucket, COUNTs 0 and the other aggregates NULL. */
  Object[] emptyGroup(long bucket) {
    Object[] row = new Object[columns.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = columns.get(i) instanceof ScanColumn.Aggregate a ? emptyValue(a) : bucket;
    }
    return row;
  }

  /** The values of a one-column answer; called by generated code. */
  public Enumerable<Object> scalarEnumerable() {
    return enumerable().select(row -> row[0]);
  }

  public Enumerable<Object> scalarEnumerable(DataContext root) {
    return enumerable(root).select(row -> row[0]);
  }

  /**
   * The rows as generated code asks for them: waiting for InfluxDB ends at the execution's time
   * limit (Calcite's {@code timeout} variable, from the statement's query timeout) or when it is
   * cancelled, even while InfluxDB sends nothing.
   */
  public Enumerable<Object[]> enumerable(DataContext root) {
    Object timeout = root.get(DataContext.Variable.TIMEOUT.camelName);
    Object cancel = root.get(DataContext.Variable.CANCEL_FLAG.camelName);
    long deadline =
        timeout instanceof Long ms && ms > 0
            ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms)
            : Long.MAX_VALUE;
    AtomicBoolean cancelled = cancel instanceof AtomicBoolean b ? b : new AtomicBoolean();
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
    return columns.stream().allMatch(c -> c instanceof ScanColumn.Aggregate)
        && !columns.isEmpty()
        && groupTags.isEmpty();
  }

  /** The one row of an aggregate without groups over no points: COUNT 0, SUM0 0, the rest NULL. */
  Object[] emptyRow() {
    Object[] row = new Object[columns.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = emptyValue((ScanColumn.Aggregate) columns.get(i));
    }
    return row;
  }

  private static Object emptyValue(ScanColumn.Aggregate a) {
    return !a.zeroWhenEmpty()
        ? null
        : a.resultType() == FieldType.FLOAT ? (Object) 0.0 : (Object) 0L;
  }

  /** The rows, streamed from InfluxDB as they arrive; called by generated code. */
  public Enumerable<Object[]> enumerable() {
    if (empty) {
      return global() ? Linq4j.singletonEnumerable(emptyRow()) : Linq4j.emptyEnumerable();
    }
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        return rows(Long.MAX_VALUE, new AtomicBoolean());
      }
    };
  }

  private Enumerator<Object[]> rows(long deadline, AtomicBoolean cancelled) {
    InfluxEnumerator answer = new InfluxEnumerator(this, deadline, cancelled);
    return gaps == null
        ? answer
        : new BucketGapEnumerator(
            this, answer, gap -> new InfluxEnumerator(gap, deadline, cancelled));
  }
}
