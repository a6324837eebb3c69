package io.tidewater.federation;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Iterator;
import java.util.List;
import java.util.TimeZone;
import java.util.function.Consumer;

/**
 * A query's rows as they are produced (never held whole, unless small enough to be cached):
 * timestamps as {@link Instant}, numbers as Long or Double, strings, booleans, nulls. Close it to
 * stop the query and free its sources.
 */
public final class SqlResult implements AutoCloseable {

  private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

  /** Where rows come from: a running query, or the result cache. */
  private interface Source extends AutoCloseable {
    Object[] next() throws SQLException;

    @Override
    void close();
  }

  private final List<SqlColumn> columns;
  private final Source source;
  private final long maxRows;
  private final Executions.Execution execution;
  private final boolean fromCache;
  private final int keepAtMost;
  private final Consumer<List<Object[]>> whenComplete;
  private List<String> tables = List.of();
  private List<Object[]> kept;
  private long read;

  private SqlResult(
      List<SqlColumn> columns,
      Source source,
      long maxRows,
      Executions.Execution execution,
      boolean fromCache,
      int keepAtMost,
      Consumer<List<Object[]>> whenComplete) {
    this.columns = columns;
    this.source = source;
    this.maxRows = maxRows;
    this.execution = execution;
    this.fromCache = fromCache;
    this.keepAtMost = keepAtMost;
    this.whenComplete = whenComplete;
    this.kept = whenComplete == null ? null : new ArrayList<>();
  }

  /**
   * The rows of a running query; if it completes with at most {@code keepAtMost} rows, they go to
   * {@code whenComplete}. {@code onClose} is told whether every row was read.
   */
  static SqlResult live(
      ResultSet rows,
      List<SqlColumn> columns,
      int[] types,
      long maxRows,
      Executions.Execution execution,
      int keepAtMost,
      Consumer<List<Object[]>> whenComplete,
      Consumer<Boolean> onClose) {
    Source source =
        new Source() {
          boolean completed;

          @Override
          public Object[] next() throws SQLException {
            if (!rows.next()) {
              completed = true;
              return null;
            }
            Object[] row = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
              if (types[i] == Types.TIMESTAMP) {
                row[i] = instant(i + 1);
              } else {
                row[i] = rows.getObject(i + 1);
              }
            }
            return row;
          }

          /** Columns whose times are not epoch numbers underneath (read as Timestamps). */
          final boolean[] timeObjects = new boolean[types.length + 1];

          /**
           * A TIMESTAMP column's value: Calcite's epoch milliseconds read as a number, as a
           * Timestamp only where the column holds objects (Avatica's Timestamp conversion goes
           * through LocalDateTime and Calendar, a tenth of a short query's time).
           */
          private Instant instant(int column) throws SQLException {
            if (!timeObjects[column]) {
              try {
                long millis = rows.getLong(column);
                return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
              } catch (SQLException | ClassCastException e) {
                timeObjects[column] = true;
              }
            }
            Timestamp t = rows.getTimestamp(column, UTC);
            return t == null ? null : Instant.ofEpochMilli(t.getTime());
          }

          boolean closed;

          @Override
          public void close() {
            if (closed) {
              return;
            }
            closed = true;
            try {
              rows.close();
            } catch (SQLException e) {
              completed = false;
            }
            onClose.accept(completed);
          }
        };
    return new SqlResult(columns, source, maxRows, execution, false, keepAtMost, whenComplete);
  }

  /** Rows the result cache kept. */
  static SqlResult cached(List<SqlColumn> columns, List<Object[]> rows, long maxRows) {
    Iterator<Object[]> it = rows.iterator();
    Source source =
        new Source() {
          @Override
          public Object[] next() {
            return it.hasNext() ? it.next() : null;
          }

          @Override
          public void close() {}
        };
    return new SqlResult(columns, source, maxRows, null, true, 0, null);
  }

  /** The tables ({@code database.measurement}) the statement read, for the audit log. */
  public List<String> tables() {
    return tables;
  }

  SqlResult readFrom(List<String> tables) {
    this.tables = List.copyOf(tables);
    return this;
  }

  public List<SqlColumn> columns() {
    return columns;
  }

  /** Whether the rows come from the result cache. */
  public boolean fromCache() {
    return fromCache;
  }

  /** The next row, or null at the end; fails with TOO_MANY_ROWS past the row limit. */
  public Object[] next() {
    try {
      Object[] row = source.next();
      if (row == null) {
        if (kept != null) {
          List<Object[]> done = kept;
          kept = null;
          whenComplete.accept(done);
        }
        return null;
      }
      if (++read > maxRows) {
        throw new TidewaterException(
            ErrorCode.TOO_MANY_ROWS,
            "the result has more than "
                + maxRows
                + " rows; add a LIMIT, narrow the time range, aggregate, or raise maxRows (up to the gateway's limit)");
      }
      if (kept != null) {
        kept = kept.size() < keepAtMost ? kept : null;
        if (kept != null) {
          kept.add(row);
        }
      }
      return row;
    } catch (SQLException | RuntimeException e) {
      TidewaterException stopped = execution == null ? null : execution.failure();
      throw SqlErrors.stopped(stopped, e);
    }
  }

  /**
   * Counts a row the caller keeps until the end (the {@code json} answer) against the statement's
   * memory budget: RESOURCE_EXHAUSTED naming the limit past it, instead of an OutOfMemoryError.
   */
  public void keep(Object[] row) {
    if (execution != null) {
      execution.charge(RowBytes.of(row));
    }
  }

  /**
   * Stops the statement from any thread (its client went away, the gateway stops): the reader fails
   * with the reason's error at its next row, however deep in a join or sort the work is.
   */
  public void stop(StopReason reason) {
    if (execution != null) {
      execution.stop(reason);
    }
  }

  @Override
  public void close() {
    try {
      source.close();
    } finally {
      if (execution != null) {
        execution.close();
      }
    }
  }
}
