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
 */
public record InfluxQuery(InfluxClient client, String database, String influxql, boolean empty,
    List<ScanColumn> columns, int[] answerColumn, List<String> groupTags, TimeRange range) {

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
        return new InfluxEnumerator(InfluxQuery.this, deadline, cancelled);
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
      var a = (io.tidewater.federation.ScanColumn.Aggregate) columns.get(i);
      row[i] = !a.zeroWhenEmpty() ? null
          : a.resultType() == io.tidewater.policy.rollup.FieldType.FLOAT ? (Object) 0.0 : (Object) 0L;
    }
    return row;
  }

  /** The rows, streamed from InfluxDB as they arrive; called by generated code. */
  public Enumerable<Object[]> enumerable() {
    if (empty) {
      return global() ? Linq4j.singletonEnumerable(emptyRow()) : Linq4j.emptyEnumerable();
    }
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        return new InfluxEnumerator(InfluxQuery.this, Long.MAX_VALUE, new java.util.concurrent.atomic.AtomicBoolean());
      }
    };
  }
}
