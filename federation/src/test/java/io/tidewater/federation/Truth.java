package io.tidewater.federation;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * DuckDB over a full raw export of the fixture: the independent truth federated queries are
 * compared with.
 */
final class Truth implements AutoCloseable {

  private final Connection duck;

  Truth(Path lake, String database, List<String> measurements) throws SQLException {
    duck = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement s = duck.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      for (String m : measurements) {
        String glob =
            lake.resolve(database).resolve(m).resolve("res=raw").toString() + "/**/*.parquet";
        s.execute(
            "CREATE VIEW "
                + m
                + " AS SELECT * REPLACE (CAST(\"time\" AS TIMESTAMP) AS \"time\") FROM read_parquet('"
                + glob
                + "', union_by_name = true, hive_partitioning = false)");
      }
    }
  }

  List<List<Object>> query(String sql) throws SQLException {
    try (Statement s = duck.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(normalize(rs.getObject(i)));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  /** One representation per value: times as epoch ms, whole numbers as Long, others as Double. */
  static Object normalize(Object v) {
    if (v instanceof Instant i) {
      return i.toEpochMilli();
    }
    if (v instanceof OffsetDateTime o) {
      return o.toInstant().toEpochMilli();
    }
    if (v instanceof LocalDateTime l) {
      return l.toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (v instanceof Timestamp t) {
      return t.toLocalDateTime().toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (v instanceof BigInteger b) {
      return b.longValueExact();
    }
    if (v instanceof BigDecimal d) {
      return d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0
          ? (Object) d.longValue()
          : (Object) d.doubleValue();
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    return v;
  }

  @Override
  public void close() throws SQLException {
    duck.close();
  }
}
