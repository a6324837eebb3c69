package io.tidewater.lifecycle.parquet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** DuckDB in process: the independent reader of the lake's files in tests. */
final class DuckDb {
  private DuckDb() {}

  /** Runs {@code sql} and returns every row as a list of column values. */
  static List<List<Object>> query(String sql) {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB failed on: " + sql + ": " + e.getMessage(), e);
    }
  }

  /** A string literal for DuckDB SQL. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
