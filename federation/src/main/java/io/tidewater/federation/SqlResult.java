package io.tidewater.federation;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;

/**
 * A query's rows as they are produced (never held whole): timestamps as {@link Instant}, numbers
 * as Long or Double, strings, booleans, nulls. Close it to stop the query and free its sources.
 */
public final class SqlResult implements AutoCloseable {

  private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

  private final Connection connection;
  private final Statement statement;
  private final ResultSet rows;
  private final List<SqlColumn> columns;
  private final int[] types;
  private final long maxRows;
  private final long deadlineNanos;
  private long read;

  SqlResult(Connection connection, Statement statement, ResultSet rows, List<SqlColumn> columns, int[] types, long maxRows,
      long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
    this.connection = connection;
    this.statement = statement;
    this.rows = rows;
    this.columns = columns;
    this.types = types;
    this.maxRows = maxRows;
  }

  public List<SqlColumn> columns() {
    return columns;
  }

  /** The next row, or null at the end; fails with TOO_MANY_ROWS past the row limit. */
  public Object[] next() {
    try {
      if (!rows.next()) {
        return null;
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new TidewaterException(ErrorCode.QUERY_TIMEOUT, "the query ran longer than its time limit and was"
            + " stopped; narrow the time range or aggregate");
      }
      if (++read > maxRows) {
        throw new TidewaterException(ErrorCode.TOO_MANY_ROWS, "the result has more than " + maxRows
            + " rows; add a LIMIT, narrow the time range, aggregate, or raise maxRows (up to the gateway's limit)");
      }
      Object[] row = new Object[types.length];
      for (int i = 0; i < types.length; i++) {
        row[i] = switch (types[i]) {
          case Types.TIMESTAMP -> {
            java.sql.Timestamp t = rows.getTimestamp(i + 1, UTC);
            yield t == null ? null : Instant.ofEpochMilli(t.getTime());
          }
          default -> rows.getObject(i + 1);
        };
      }
      return row;
    } catch (SQLException | RuntimeException e) {
      throw SqlErrors.translate(e);
    }
  }

  @Override
  public void close() {
    try (connection; statement; rows) {
      // closes the rows, then the statement, then the connection
    } catch (SQLException e) {
      // nothing left to free
    }
  }
}
