package io.tidewater.lifecycle.cdc;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.Window;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The two sides the change-capture tests compare for a window of measurement {@code cpu}: per host,
 * "count sum" of field {@code v} as InfluxDB computes it, and as DuckDB reads it from the files of
 * the window's newest full-resolution version in a local lake.
 */
final class LakeVsInflux {

  private LakeVsInflux() {}

  /** host -> "count sum" per InfluxQL, for the hosts that have points in {@code w}. */
  static Map<String, String> influx(InfluxClient client, String db, Window w, List<String> hosts) {
    Map<String, String> out = new TreeMap<>();
    for (String host : hosts) {
      List<List<Object>> rows =
          client.rows(
              db,
              "SELECT count(v), sum(v) FROM cpu WHERE host = '"
                  + host
                  + "' AND time >= "
                  + Durations.epochNanos(w.start())
                  + " AND time < "
                  + Durations.epochNanos(w.end()));
      if (!rows.isEmpty()) {
        out.put(
            host,
            ((Number) rows.get(0).get(1)).longValue()
                + " "
                + ((Number) rows.get(0).get(2)).doubleValue());
      }
    }
    return out;
  }

  /** host -> "count sum" per DuckDB over the files of the window's newest version. */
  static Map<String, String> lake(Ledger ledger, String db, Window w) {
    Map<String, String> out = new TreeMap<>();
    query(
        ledger,
        db,
        w,
        "SELECT host, count(v), sum(v) FROM %s GROUP BY host",
        rs -> out.put(rs.getString(1), rs.getLong(2) + " " + rs.getDouble(3)));
    return out;
  }

  interface RowSink {
    void row(ResultSet rs) throws SQLException;
  }

  /**
   * Runs {@code sql} in DuckDB, its {@code %s} replaced by the window's files (columns united by
   * name).
   */
  static void query(Ledger ledger, String db, Window w, String sql, RowSink sink) {
    WindowVersion v = ledger.latest(db, "cpu", Resolution.RAW, w).orElseThrow();
    Path root = ((LakeLocation.Local) ledger.store().location()).root().toAbsolutePath();
    String files =
        v.files().stream()
            .map(DataFile::key)
            .map(k -> "'" + root.resolve(k) + "'")
            .collect(Collectors.joining(", ", "read_parquet([", "], union_by_name = true)"));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql.formatted(files))) {
      while (rs.next()) {
        sink.row(rs);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
