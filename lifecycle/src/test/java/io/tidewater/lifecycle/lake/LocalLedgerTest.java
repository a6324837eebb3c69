package io.tidewater.lifecycle.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.StorageClass;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalLedgerTest extends LedgerContract {
  @Override
  protected LakeStore store() {
    return TestStores.local();
  }

  /** What Athena would do: list the partition folders and read every file, ignoring the ledger. */
  @Test
  void duckDbReadingThePartitionFoldersSeesExactlyTheNewVersionOnce() throws Exception {
    writer
        .prepare(
            db,
            rows(List.of("a", "b", "c"), 10),
            Resolution.RAW,
            HOUR,
            BY_HOST,
            StorageClass.STANDARD)
        .commit();
    writer
        .prepare(
            db, rows(List.of("a", "b"), 15), Resolution.RAW, HOUR, BY_HOST, StorageClass.STANDARD)
        .commit();
    String root = ((LakeLocation.Local) store().location()).root().toAbsolutePath().toString();
    String glob =
        root + "/" + LakeLayout.resolutionPrefix(db, "cpu", Resolution.RAW) + "**/*.parquet";
    List<String> got = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT host, day, count(*), sum(usage) FROM read_parquet('"
                    + glob
                    + "', hive_partitioning = true) GROUP BY ALL ORDER BY host")) {
      while (rs.next()) {
        got.add(
            rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3) + " " + rs.getDouble(4));
      }
    }
    assertEquals(List.of("a 2025-01-15 15 105.0", "b 2025-01-15 15 105.0"), got);
  }
}
