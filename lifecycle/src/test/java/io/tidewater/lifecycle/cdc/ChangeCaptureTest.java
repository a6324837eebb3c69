package io.tidewater.lifecycle.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.policy.Durations;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which windows a write dirties, and that the dirty set survives restarts through the log and
 * shrinks only when repaired.
 */
class ChangeCaptureTest {

  static final Instant NOW = Instant.parse("2025-06-01T12:30:00Z");

  @TempDir Path dir;

  final List<String> notified = new ArrayList<>();

  static TieringPolicy policy(String extra) {
    return new PolicyParser()
        .parse(
            "p.yaml",
            """
        name: p
        source: { database: db, measurements: [cpu, /disk.*/] }
        window: 1h
        settle: 5m
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d, raw: standard }
          expire: { after: 365d }
        """
                + extra)
        .get(0);
  }

  ChangeCapture open(TieringPolicy policy, long segmentBytes) {
    return new ChangeCapture(
        new ChangeLog(dir, segmentBytes, 0),
        List.of(policy),
        (db, m) -> notified.add(db + "." + m));
  }

  static long ns(String instant) {
    return Durations.epochNanos(Instant.parse(instant));
  }

  static Window hour(String start) {
    Instant s = Instant.parse(start);
    return new Window(s, s.plusSeconds(3600));
  }

  static long accept(ChangeCapture c, String rp, Instant received, String lines) {
    byte[] body = lines.getBytes(StandardCharsets.UTF_8);
    long receivedNanos = Durations.epochNanos(received);
    return c.accept(
        "db",
        rp,
        LineProtocol.Precision.NANOSECONDS,
        receivedNanos,
        body,
        LineProtocol.stamps(body, LineProtocol.Precision.NANOSECONDS, receivedNanos).points());
  }

  @Test
  void onlyWindowsDueForExportOfClaimedMeasurementsBecomeDirty() {
    try (ChangeCapture c = open(policy(""), 1 << 20)) {
      accept(
          c,
          null,
          NOW,
          String.join(
              "\n",
              "cpu,host=a v=1 " + ns("2025-06-01T09:10:00Z"), // closed and settled: dirty
              "cpu,host=b v=1 " + ns("2025-06-01T09:50:00Z"), // same window, once
              "disk_io v=1i " + ns("2025-05-01T00:00:00Z"), // warm: dirty
              "cpu v=1 " + ns("2025-06-01T12:10:00Z"), // the open window: export will read it
              "mem v=1 " + ns("2025-06-01T09:10:00Z"), // claimed by no policy
              "cpu v=1 " + ns("2023-01-01T00:00:00Z"))); // expired: the lake drops it anyway
      assertEquals(List.of(hour("2025-06-01T09:00:00Z")), c.dirtyWindows("db", "cpu"));
      assertEquals(List.of(hour("2025-05-01T00:00:00Z")), c.dirtyWindows("db", "disk_io"));
      assertEquals(List.of(), c.dirtyWindows("db", "mem"));
      assertEquals(List.of("db.cpu", "db.disk_io"), notified.stream().sorted().toList());
      // 12:00-13:00 is not due; 11:00-12:00 closed at 12:00 and settles at 12:05: due at 12:30.
      accept(c, null, NOW, "cpu v=2 " + ns("2025-06-01T11:59:59Z"));
      assertEquals(2, c.dirtyWindows("db", "cpu").size());
      // Received at 12:03, before 11:00-12:00 settled: the scheduled export has not read it yet.
      accept(
          c,
          null,
          Instant.parse("2025-06-01T12:03:00Z"),
          "disk_io v=2i " + ns("2025-06-01T11:30:00Z"));
      assertEquals(1, c.dirtyWindows("db", "disk_io").size());
    }
  }

  @Test
  void retentionPoliciesAreMatchedConservatively() {
    try (ChangeCapture c = open(policy(""), 1 << 20)) {
      // A policy naming none means the default, which subscriptions name explicitly (rp=autogen).
      accept(c, "autogen", NOW, "cpu v=1 " + ns("2025-06-01T08:00:00Z"));
      assertEquals(1, c.dirtyWindows("db", "cpu").size());
    }
  }

  @Test
  void aWindowWrittenToMoreOftenThanItSettlesIsRepairedAfterTheMaximumDeferral() {
    try (ChangeCapture c =
        new ChangeCapture(
            new ChangeLog(dir, 1 << 20, 0),
            List.of(policy("")),
            (db, m) -> {},
            new MicroBatches(List.of()),
            Duration.ofMinutes(30))) {
      // A point every 4 minutes: the window never goes 5 minutes (its settle delay) unchanged.
      for (int minute = 0; minute <= 40; minute += 4) {
        Instant at = NOW.plusSeconds(60L * minute);
        accept(c, null, at, "cpu v=" + minute + " " + ns("2025-06-01T09:10:00Z"));
        List<DirtyWindow> settled = c.settled(policy(""), at.plusSeconds(60));
        assertEquals(minute + 1 >= 30 ? 1 : 0, settled.size(), "at minute " + (minute + 1));
      }
      assertEquals(NOW, c.dirty().get(0).firstChange());
    }
  }

  @Test
  void aWindowChangedAgainDuringItsRepairStaysDirty() {
    try (ChangeCapture c = open(policy(""), 1 << 20)) {
      accept(c, null, NOW, "cpu v=1 " + ns("2025-06-01T09:10:00Z"));
      DirtyWindow before = c.dirty().get(0);
      assertEquals(
          List.of(),
          c.settled(policy(""), NOW.plusSeconds(299)),
          "settles 5 minutes after its last change");
      assertEquals(List.of(before), c.settled(policy(""), NOW.plusSeconds(300)));
      accept(c, null, NOW.plusSeconds(60), "cpu v=2 " + ns("2025-06-01T09:20:00Z"));
      assertFalse(c.cleaned(before), "a point arrived after the repair's snapshot");
      DirtyWindow after = c.dirty().get(0);
      assertEquals(NOW.plusSeconds(60), after.lastChange());
      assertEquals(before.firstSequence(), after.firstSequence());
      assertTrue(c.cleaned(after));
      assertEquals(List.of(), c.dirtyWindows("db", "cpu"));
    }
  }

  @Test
  void aRestartReplaysTheLogAndTrimmingKeepsWhatIsStillDirty() {
    try (ChangeCapture c = open(policy(""), 1)) { // one record per segment
      accept(c, null, NOW, "cpu v=1 " + ns("2025-06-01T07:10:00Z")); // 0: dirties 07:00
      accept(c, null, NOW, "cpu v=1 " + ns("2025-06-01T12:10:00Z")); // 1: dirties nothing
      accept(
          c, null, NOW.plusSeconds(5), "cpu v=1 " + ns("2025-06-01T08:10:00Z")); // 2: dirties 08:00
      c.trim();
    }
    try (ChangeCapture c = open(policy(""), 1)) {
      assertEquals(3, c.replayed(), "nothing repaired: nothing trimmed");
      assertEquals(
          List.of(hour("2025-06-01T07:00:00Z"), hour("2025-06-01T08:00:00Z")),
          c.dirtyWindows("db", "cpu"));
      assertEquals(
          NOW.plusSeconds(5),
          c.dirty().get(1).lastChange(),
          "the receive time is kept, so settling goes on");
      assertTrue(c.cleaned(c.dirty().get(0)));
      c.trim();
    }
    try (ChangeCapture c = open(policy(""), 1)) {
      assertEquals(List.of(hour("2025-06-01T08:00:00Z")), c.dirtyWindows("db", "cpu"));
      assertTrue(
          c.replayed() <= 2,
          "records before the first still-dirty one are trimmed: " + c.replayed());
      c.cleaned(c.dirty().get(0));
      // Reconciliation's findings are logged: a restart before the repair keeps them, and they hold
      // the log.
      c.markDirty(
          policy(""), "cpu", hour("2025-06-01T06:00:00Z"), NOW.plusSeconds(9), "counts differ");
      c.markDirty(
          policy(""), "cpu", hour("2025-06-01T06:00:00Z"), NOW.plusSeconds(10), "counts differ");
      accept(c, null, NOW, "cpu v=1 " + ns("2025-06-01T12:20:00Z"));
      c.trim();
    }
    try (ChangeCapture c = open(policy(""), 1)) {
      assertEquals(List.of(hour("2025-06-01T06:00:00Z")), c.dirtyWindows("db", "cpu"));
      DirtyWindow found = c.dirty().get(0);
      assertEquals("counts differ", found.cause());
      assertEquals(
          NOW.plusSeconds(9), found.lastChange(), "a window already dirty is not logged again");
      assertTrue(
          c.replayed() >= 2, "the finding's record and what follows it are kept: " + c.replayed());
      assertTrue(c.cleaned(found));
      c.trim();
    }
    try (ChangeCapture c = open(policy(""), 1)) {
      assertEquals(List.of(), c.dirtyWindows("db", "cpu"));
      assertTrue(c.replayed() <= 1, "only the open segment is left: " + c.replayed());
      c.markDirty(policy(""), "cpu", hour("2025-06-01T05:00:00Z"), NOW, "counts differ");
    }
    TieringPolicy renamed =
        new PolicyParser()
            .parse(
                "q.yaml",
                """
        name: q
        source: { database: db, measurements: [cpu] }
        window: 1h
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d }
        """)
            .get(0);
    try (ChangeCapture c = open(renamed, 1)) {
      assertEquals(List.of(), c.dirty(), "a finding of a policy no longer loaded is dropped");
    }
  }

  @Test
  void latePointsInfluxDbNoLongerHoldsAreSetApart() {
    TieringPolicy deleting = policy("delete-from-hot-after-export: true\n");
    try (ChangeCapture c = open(deleting, 1 << 20)) {
      accept(
          c,
          null,
          NOW,
          String.join(
              "\n",
              "cpu v=1 "
                  + ns("2025-04-01T00:10:00Z"), // past hot keep: InfluxDB deleted the rest of it
              "cpu v=1 " + ns("2025-05-31T00:10:00Z"))); // hot: InfluxDB holds all of it
      assertEquals(List.of(hour("2025-05-31T00:00:00Z")), c.dirtyWindows("db", "cpu"));
      assertEquals(
          List.of(hour("2025-04-01T00:00:00Z")),
          c.unrepairable().stream().map(DirtyWindow::window).toList());
    }
  }
}
