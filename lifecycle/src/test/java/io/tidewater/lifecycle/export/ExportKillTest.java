package io.tidewater.lifecycle.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.lake.LakeLayout;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.parquet.ColumnBatch;
import io.tidewater.lifecycle.parquet.ScanSpec;
import io.tidewater.lifecycle.parquet.StoreInputFile;
import io.tidewater.lifecycle.parquet.TimeSeriesReader;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.Resolution;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments of an export, 20 times, then a run to the end: every window in the lake
 * exactly once, per-window rows and sums equal to InfluxDB's, and no file outside the ledger
 * visible to an engine reading the folders.
 */
class ExportKillTest {

  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  static final int HOURS = 200;

  @TempDir Path dir;

  @Test
  void killedAtRandomTwentyTimesThenFinishedTheLakeEqualsInfluxDb() throws Exception {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("kill");
    long start = Instant.parse("2025-05-20T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    for (String m : List.of("cpu", "mem")) {
      StringBuilder lp = new StringBuilder();
      for (int h = 0; h < HOURS; h++) {
        for (String host : List.of("a", "b", "c", "d")) {
          for (int i = 0; i < 60; i += 2) {
            lp.append(m)
                .append(",host=")
                .append(host)
                .append(" v=")
                .append(h * 100 + i)
                .append(".25 ")
                .append(start + (h * 60L + i) * 60_000_000_000L)
                .append('\n');
          }
        }
      }
      influx.write(db, lp.toString());
    }
    Path lake = Files.createDirectories(dir.resolve("lake"));
    Random random = new Random(20);
    int kills = 0;
    for (int i = 0; i < 20; i++) {
      // Every other run re-exports everything, so kills also land in the middle of replacing files.
      Process p =
          i % 2 == 0
              ? launch(influx, db, lake)
              : launch(influx, db, lake, "2025-05-20T00:00:00Z", "2025-05-29T00:00:00Z");
      boolean finished = p.waitFor(150 + random.nextInt(1200), TimeUnit.MILLISECONDS);
      if (!finished) {
        p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no cleanup
        kills++;
      }
    }
    Process last = launch(influx, db, lake);
    assertTrue(last.waitFor(120, TimeUnit.SECONDS), "the final run finishes");
    String out = new String(last.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(out.contains("done"), out);
    assertTrue(kills >= 10, "most runs were killed mid-export: " + kills);

    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
    Ledger ledger = new Ledger(new LocalLakeStore(new LakeLocation.Local(lake)));
    for (String m : List.of("cpu", "mem")) {
      List<WindowVersion> windows = ledger.windows(db, m, Resolution.RAW);
      assertEquals(HOURS, windows.size(), m + ": every window once");
      assertEquals(
          Set.of(),
          ledger.unfinishedWrites(db, m, Resolution.RAW),
          m + ": no interrupted write left");
      for (WindowVersion v : windows) {
        List<List<Object>> influxCount =
            client.rows(
                db,
                "SELECT count(v), sum(v) FROM "
                    + m
                    + " WHERE time >= "
                    + v.windowStart()
                    + " AND time < "
                    + v.windowEnd());
        assertEquals(
            ((Number) influxCount.get(0).get(1)).longValue(), v.rows(), m + " " + v.window());
        // Read through the ledger with its ETags: the files are exactly the ones the entry names.
        assertEquals(
            ((Number) influxCount.get(0).get(2)).doubleValue(), sumThroughLedger(ledger, v), 1e-6);
      }
      // An engine reading the folders (ignoring the ledger) sees each row once.
      String glob =
          lake.toAbsolutePath()
              + "/"
              + LakeLayout.resolutionPrefix(db, m, Resolution.RAW)
              + "**/*.parquet";
      List<List<Object>> total = client.rows(db, "SELECT count(v), sum(v) FROM " + m);
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT count(*), sum(v) FROM read_parquet('" + glob + "')")) {
        rs.next();
        assertEquals(
            ((Number) total.get(0).get(1)).longValue(), rs.getLong(1), m + " rows in the folders");
        assertEquals(
            ((Number) total.get(0).get(2)).doubleValue(),
            rs.getDouble(2),
            1e-6,
            m + " sum in the folders");
      }
    }
  }

  private static double sumThroughLedger(Ledger ledger, WindowVersion v) {
    double sum = 0;
    ScanSpec spec = ScanSpec.all(v.schema());
    for (DataFile f : v.files()) {
      var info = new ObjectInfo(f.key(), f.size(), f.etag(), Instant.EPOCH, Optional.empty());
      try (var reader =
          TimeSeriesReader.open(new StoreInputFile(ledger.store(), info), f.key(), spec)) {
        var batch = new ColumnBatch(spec);
        int value = spec.fields().indexOf("v");
        while (reader.next(batch)) {
          for (int r = 0; r < batch.size(); r++) {
            sum += batch.field(value).doubleAt(r);
          }
        }
      }
    }
    return sum;
  }

  private Process launch(InfluxServer influx, String db, Path lake, String... backfill)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Xmx512m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ExportProcess.class.getName(),
                influx.url().toString(),
                db,
                lake.toString(),
                NOW.toString()));
    command.addAll(List.of(backfill));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }
}
