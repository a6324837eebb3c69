package io.tidewater.federation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a query's whole answer, for tests. */
final class Rows {

  private Rows() {}

  /** Every row of {@code sql}'s answer (at most 100,000, within a minute), NULLs kept. */
  static List<List<Object>> of(SqlEngine engine, String sql) {
    List<List<Object>> rows = new ArrayList<>();
    try (SqlResult r = engine.query(sql, 100_000, Duration.ofSeconds(60))) {
      Object[] row;
      while ((row = r.next()) != null) {
        rows.add(Arrays.asList(row));
      }
    }
    return rows;
  }

  /**
   * Every row of {@code sql}'s answer (at most a million, within two minutes), each value as {@link
   * Truth#normalize} writes it, for comparison with DuckDB's.
   */
  static List<List<Object>> normalized(SqlEngine engine, String sql) {
    List<List<Object>> rows = new ArrayList<>();
    try (SqlResult result = engine.query(sql, 1_000_000, Duration.ofMinutes(2))) {
      Object[] row;
      while ((row = result.next()) != null) {
        List<Object> values = new ArrayList<>();
        for (Object v : row) {
          values.add(Truth.normalize(v));
        }
        rows.add(values);
      }
    }
    return rows;
  }
}
