package io.tidewater.benchmarks.endtoend;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The second peer: DuckDB (in this process, all cores) over the lake's raw Parquet files, as an
 * analyst pointing it at the lake would use it. One connection per client thread, each with
 * DuckDB's Parquet metadata cache on.
 */
final class DuckDbLake implements QuerySystem {

  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Connection> connection = ThreadLocal.withInitial(this::open);

  @Override
  public String name() {
    return "duckdb";
  }

  @Override
  public boolean answers(Question q) {
    return q.duckdb() != null;
  }

  @Override
  public long rows(Question q) throws SQLException {
    long rows = 0;
    try (Statement s = connection.get().createStatement();
        ResultSet rs = s.executeQuery(q.duckdb())) {
      while (rs.next()) {
        rows++;
      }
    }
    return rows;
  }

  private Connection open() {
    try {
      Connection c = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement s = c.createStatement()) {
        s.execute("SET TimeZone = 'UTC'");
        s.execute("SET enable_object_cache = true");
      }
      connections.add(c);
      return c;
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB did not open: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws SQLException {
    for (Connection c : connections) {
      c.close();
    }
  }
}
