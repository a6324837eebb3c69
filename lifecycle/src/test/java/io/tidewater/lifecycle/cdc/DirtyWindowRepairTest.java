package io.tidewater.lifecycle.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.export.JobReport;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Durations;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Late writes into exported windows, against real influxd and a local lake: the windows they touch
 * are re-exported once settled, and the lake then equals InfluxDB for them (checked with DuckDB).
 */
class DirtyWindowRepairTest {

  static final Instant NOW = Instant.parse("2025-06-01T12:30:00Z");
  static final List<String> HOURS =
      List.of("2025-06-01T08:00:00Z", "2025-06-01T09:00:00Z", "2025-06-01T10:00:00Z");

  @TempDir Path temp;

  InfluxServer influx;
  InfluxClient client;
  String db;
  Ledger ledger;
  MovableClock clock;
  ExportJob job;
  TieringPolicy policy;
  List<String> notified = new ArrayList<>();

  @BeforeEach
  void setUp() {
    influx = TestServers.influx();
    client = new InfluxClient(InfluxConnection.of(influx.url()));
    db = influx.newDatabase("cdc");
    StringBuilder lp = new StringBuilder();
    for (String hour : HOURS) {
      for (String host : List.of("a", "b")) {
        for (int minute = 0; minute < 60; minute += 5) {
          long t = Durations.epochNanos(Instant.parse(hour)) + minute * 60_000_000_000L;
          lp.append("cpu,host=")
              .append(host)
              .append(" v=")
              .append(minute + 0.25)
              .append(' ')
              .append(t)
              .append('\n');
        }
      }
    }
    influx.write(db, lp.toString());
    policy =
        new PolicyParser()
            .parse(
                "p.yaml",
                """
        name: cdc
        source: { database: %s, measurements: [cpu] }
        window: 1h
        settle: 5m
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d, raw: standard }
        """
                    .formatted(db))
            .get(0);
    ledger = new Ledger(TestStores.local());
    clock = new MovableClock(NOW);
    job =
        ExportJob.builder(policy, client, ledger)
            .stagingDir(temp)
            .clock(clock)
            .retries(2, Duration.ofMillis(10))
            .build();
    assertEquals(3, job.runDue().orElseThrow().exported().size());
  }

  @Test
  void lateWritesAreReExportedOnceSettledAndTheLakeThenEqualsInfluxDb() {
    Path logDir = temp.resolve("log");
    Window nine = window("2025-06-01T09:00:00Z");
    long versionBefore = ledger.latest(db, "cpu", Resolution.RAW, nine).orElseThrow().version();
    try (ChangeCapture capture =
        new ChangeCapture(
            new ChangeLog(logDir, 1, 0), List.of(policy), (d, m) -> notified.add(d + "." + m))) {
      DirtyWindowRepair repair = new DirtyWindowRepair(capture, List.of(job), clock);
      clock.advance(Duration.ofMinutes(1));
      // What a subscription forwards after InfluxDB stored it: a changed value, a new point, a new
      // series.
      long nineNs = Durations.epochNanos(nine.start());
      subscriptionWrite(
          capture,
          String.join(
              "\n",
              "cpu,host=a v=1000.5 " + (nineNs + 5 * 60_000_000_000L),
              "cpu,host=b v=3.5 " + (nineNs + 31 * 60_000_000_000L),
              "cpu,host=c v=7.25 " + (nineNs + 59 * 60_000_000_000L)));
      assertEquals(List.of(nine), capture.dirtyWindows(db, "cpu"));
      assertEquals(
          List.of(db + ".cpu"),
          notified,
          "federation hears of it at once, to route the window to InfluxDB");
      assertTrue(!lake(nine).equals(influx(nine)), "the lake is stale now");

      clock.advance(Duration.ofMinutes(2));
      assertEquals(List.of(), repair.run().reexported(), "not settled yet");

      clock.advance(Duration.ofMinutes(4));
      DirtyWindowRepair.Round round = repair.run();
      assertEquals(List.of(), round.failures());
      assertEquals(List.of(nine), round.reexported().stream().map(e -> e.window()).toList());
      assertEquals(List.of(), capture.dirtyWindows(db, "cpu"));
      assertEquals(
          versionBefore + 1,
          ledger.latest(db, "cpu", Resolution.RAW, nine).orElseThrow().version());
      assertEquals(influx(nine), lake(nine));
      assertEquals(3, influx(nine).size(), "host c is new");
      for (String other : List.of(HOURS.get(0), HOURS.get(2))) {
        assertEquals(
            1,
            ledger.latest(db, "cpu", Resolution.RAW, window(other)).orElseThrow().version(),
            "untouched windows are not re-exported");
      }
    }
    // Repaired: the log keeps nothing that would dirty the window again after a restart.
    try (ChangeCapture reopened =
        new ChangeCapture(new ChangeLog(logDir, 1, 0), List.of(policy), (d, m) -> {})) {
      assertEquals(List.of(), reopened.dirtyWindows(db, "cpu"));
    }
  }

  /**
   * A window written to every two minutes never goes its five-minute settle delay unchanged: it is
   * re-exported anyway once its first change is the maximum deferral old, with what InfluxDB holds
   * then, and stays dirty for the points that arrive after.
   */
  @Test
  void aWindowRewrittenMoreOftenThanItSettlesIsReExportedAfterTheMaximumDeferral() {
    Window nine = window("2025-06-01T09:00:00Z");
    long nineNs = Durations.epochNanos(nine.start());
    try (ChangeCapture capture =
        new ChangeCapture(
            new ChangeLog(temp.resolve("log"), 1 << 20, 0),
            List.of(policy),
            (d, m) -> {},
            new MicroBatches(List.of()),
            Duration.ofMinutes(20))) {
      DirtyWindowRepair repair = new DirtyWindowRepair(capture, List.of(job), clock);
      int reexportedAt = -1;
      for (int minute = 2; minute <= 30; minute += 2) {
        clock.advance(Duration.ofMinutes(2));
        subscriptionWrite(capture, "cpu,host=a v=" + minute + ".5 " + (nineNs + minute * 1000L));
        List<Window> round = repair.run().reexported().stream().map(e -> e.window()).toList();
        if (!round.isEmpty()) {
          assertEquals(List.of(nine), round);
          assertEquals(-1, reexportedAt, "re-exported once, at the deferral");
          reexportedAt = minute;
          assertEquals(influx(nine), lake(nine), "the lake has what InfluxDB held then");
        }
      }
      assertEquals(22, reexportedAt, "20 minutes after the first change (minute 2), not before");
      assertEquals(List.of(nine), capture.dirtyWindows(db, "cpu"), "later points wait again");
      assertNotEquals(influx(nine), lake(nine));
    }
  }

  @Test
  void aCrashBeforeTheRepairLeavesTheWindowDirtyAfterRestart() {
    Path logDir = temp.resolve("log");
    Window ten = window("2025-06-01T10:00:00Z");
    clock.advance(Duration.ofMinutes(1));
    try (ChangeCapture capture =
        new ChangeCapture(new ChangeLog(logDir, 1 << 20, 0), List.of(policy), (d, m) -> {})) {
      subscriptionWrite(capture, "cpu,host=b v=99.5 " + (Durations.epochNanos(ten.start()) + 1));
    } // the gateway dies before the window settled
    clock.advance(Duration.ofMinutes(10));
    try (ChangeCapture capture =
        new ChangeCapture(new ChangeLog(logDir, 1 << 20, 0), List.of(policy), (d, m) -> {})) {
      assertEquals(List.of(ten), capture.dirtyWindows(db, "cpu"), "replayed from the log");
      assertEquals(
          List.of(ten),
          new DirtyWindowRepair(capture, List.of(job), clock)
              .run().reexported().stream().map(e -> e.window()).toList());
      assertEquals(influx(ten), lake(ten));
    }
  }

  @Test
  void aReExportThatWouldLeaveTheLakeWithLessIsRefused() {
    Window ten = window("2025-06-01T10:00:00Z");
    long version = ledger.latest(db, "cpu", Resolution.RAW, ten).orElseThrow().version();
    try (ChangeCapture capture =
        new ChangeCapture(
            new ChangeLog(temp.resolve("log"), 1 << 20, 0), List.of(policy), (d, m) -> {})) {
      clock.advance(Duration.ofMinutes(1));
      subscriptionWrite(capture, "cpu,host=b v=99.5 " + (Durations.epochNanos(ten.start()) + 1));
      // Then most of the window is deleted in InfluxDB (or its shard expires) before the repair.
      influx.query(
          db,
          "DELETE FROM cpu WHERE time >= '"
              + ten.start()
              + "' AND time < '"
              + ten.start().plusSeconds(1800)
              + "'");
      clock.advance(Duration.ofMinutes(6));
      DirtyWindowRepair.Round round = new DirtyWindowRepair(capture, List.of(job), clock).run();
      assertEquals(List.of(), round.reexported());
      assertTrue(
          round.failures().get(0).kind() == JobReport.FailureKind.WOULD_LOSE_DATA,
          round.toString());
      assertEquals(
          version,
          ledger.latest(db, "cpu", Resolution.RAW, ten).orElseThrow().version(),
          "the lake keeps its copy");
      assertEquals(List.of(), capture.dirtyWindows(db, "cpu"));
      assertEquals(List.of(ten), capture.unrepairable().stream().map(DirtyWindow::window).toList());
    }
  }

  @Test
  void reconciliationFindsWhatTheSubscriptionMissedAndTheRepairFixesIt() {
    Window nine = window("2025-06-01T09:00:00Z");
    Window ten = window("2025-06-01T10:00:00Z");
    Window eleven = window("2025-06-01T11:00:00Z");
    try (ChangeCapture capture =
        new ChangeCapture(
            new ChangeLog(temp.resolve("log"), 1 << 20, 0), List.of(policy), (d, m) -> {})) {
      Reconciler reconciler = new Reconciler(policy, client, ledger, capture, clock);
      Reconciler.Report clean = reconciler.run();
      assertEquals(List.of(), clean.findings(), "just exported: the lake equals InfluxDB");
      assertEquals(3, clean.windowsChecked());

      // Written while the gateway was down: nothing reached the change log.
      long nineNs = Durations.epochNanos(nine.start());
      influx.write(
          db,
          "cpu,host=b v=5.5 " + (nineNs + 61_000_000_000L) + "\ncpu,host=z v=1.5 " + (nineNs + 1));
      influx.write(
          db,
          "cpu,host=a v=2.5 "
              + (Durations.epochNanos(eleven.start()) + 1)); // a window never exported
      // Deleted in InfluxDB: the lake keeps its copy, the difference is only reported.
      influx.query(
          db,
          "DELETE FROM cpu WHERE time >= '"
              + ten.start()
              + "' AND time < '"
              + ten.start().plusSeconds(600)
              + "'");

      Reconciler.Report found = reconciler.run();
      assertEquals(
          List.of(nine, ten, eleven),
          found.findings().stream().map(Reconciler.Finding::window).toList(),
          found.toString());
      assertEquals(
          List.of(true, false, true),
          found.findings().stream().map(Reconciler.Finding::markedDirty).toList());
      assertTrue(
          found.findings().get(1).detail().contains("v: 20 in InfluxDB, 24 in the lake"),
          found.toString());
      assertEquals(List.of(nine, eleven), capture.dirtyWindows(db, "cpu"));

      clock.advance(Duration.ofMinutes(6));
      DirtyWindowRepair.Round round = new DirtyWindowRepair(capture, List.of(job), clock).run();
      assertEquals(
          List.of(nine, eleven),
          round.reexported().stream().map(e -> e.window()).sorted().toList());
      assertEquals(influx(nine), lake(nine));
      assertEquals(influx(eleven), lake(eleven));
      assertEquals(
          List.of(ten),
          reconciler.run().findings().stream().map(Reconciler.Finding::window).toList());
    }
  }

  private void subscriptionWrite(ChangeCapture capture, String lines) {
    influx.write(db, lines);
    byte[] body = lines.getBytes(StandardCharsets.UTF_8);
    long received = Durations.epochNanos(clock.instant());
    capture.accept(
        db,
        "autogen",
        LineProtocol.Precision.NANOSECONDS,
        received,
        body,
        LineProtocol.stamps(body, LineProtocol.Precision.NANOSECONDS, received).points());
  }

  static Window window(String start) {
    Instant s = Instant.parse(start);
    return new Window(s, s.plusSeconds(3600));
  }

  private Map<String, String> influx(Window w) {
    return LakeVsInflux.influx(client, db, w, List.of("a", "b", "c", "z"));
  }

  private Map<String, String> lake(Window w) {
    return LakeVsInflux.lake(ledger, db, w);
  }
}
