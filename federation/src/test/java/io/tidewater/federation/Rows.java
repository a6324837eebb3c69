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
}
