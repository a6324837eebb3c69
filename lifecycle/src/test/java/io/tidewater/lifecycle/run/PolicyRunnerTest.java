package io.tidewater.lifecycle.run;

import static io.tidewater.lifecycle.retention.RetentionFixture.NOW;
import static io.tidewater.lifecycle.retention.RetentionFixture.OLD_1;
import static io.tidewater.lifecycle.retention.RetentionFixture.OLD_2;
import static io.tidewater.lifecycle.retention.RetentionFixture.RECENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.cdc.DirtyRanges;
import io.tidewater.lifecycle.export.ExportSettings;
import io.tidewater.lifecycle.export.JobReport;
import io.tidewater.lifecycle.export.WindowExport;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.retention.RetentionFixture;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy's run as the gateway starts it, without the gateway: export, tier moves, retention and
 * garbage collection in one call, what each step did in its report, and every commit and change
 * told to the listener.
 */
class PolicyRunnerTest {

  @TempDir Path temp;

  InfluxServer influx = TestServers.influx();
  InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));

  /** What a listener heard. */
  static final class Heard implements PolicyRunner.Listener {
    final List<WindowVersion> committed = new ArrayList<>();
    final Set<String> changed = new TreeSet<>();

    @Override
    public synchronized void committed(WindowVersion version) {
      committed.add(version);
    }

    @Override
    public synchronized void changed(String database, String measurement) {
      changed.add(database + "." + measurement);
    }
  }

  private String load() {
    return RetentionFixture.load(influx, "runner");
  }

  private TieringPolicy policy(String db) {
    return RetentionFixture.policy("runner", db, true);
  }

  private PolicyRunner runner(TieringPolicy policy, Ledger ledger, Heard heard) {
    ExportSettings settings =
        ExportSettings.DEFAULT
            .withAttempts(1)
            .withBackoff(Duration.ofMillis(1))
            .withLease("runner-test", Duration.ofMinutes(1));
    return new PolicyRunner(
        policy,
        new PolicyRunner.Context(
            client,
            ledger,
            Clock.fixed(NOW, ZoneOffset.UTC),
            temp,
            settings,
            Optional.empty(),
            DirtyRanges.NONE,
            heard));
  }

  private long count(String db, Instant from, Instant to) {
    return RetentionFixture.count(client, db, from, to);
  }

  @Test
  void aRunExportsMovesTiersAndDeletesVerifiedPointsFromInfluxDb() {
    String db = load();
    TieringPolicy policy = policy(db);
    Heard heard = new Heard();
    PolicyRunner runner = runner(policy, new Ledger(TestStores.local()), heard);

    PolicyRun run = runner.runDue().orElseThrow();

    assertEquals(List.of(), run.export().failures());
    assertEquals(
        List.of(OLD_1, OLD_2, RECENT),
        run.export().exported().stream()
            .map(WindowExport::window)
            .map(Window::start)
            .sorted()
            .toList());
    assertEquals(90, run.export().rows());
    assertEquals(List.of(), run.tiers().failures());
    assertEquals(Map.of("cpu", OLD_2.plusSeconds(3600)), run.retention().deletedBefore());
    assertEquals(0, count(db, OLD_1, RECENT), "verified old points left InfluxDB");
    assertEquals(30, count(db, RECENT, NOW), "hot points stay");
    // Every window's full resolution, and the warm windows' 1m rollups, reached the listener.
    assertEquals(
        Set.of("raw@" + OLD_1, "raw@" + OLD_2, "raw@" + RECENT, "1m@" + OLD_1, "1m@" + OLD_2),
        Set.copyOf(
            heard.committed.stream().map(v -> v.resolution() + "@" + v.window().start()).toList()));
    assertEquals(
        Set.of(db + ".cpu"), heard.changed, "tier moves and retention invalidate the measurement");
    assertEquals(Optional.of(RECENT.plusSeconds(3600)), runner.newestWindowEnd());
    assertEquals(List.of("cpu"), runner.claimedMeasurements());

    PolicyRun again = runner.runDue().orElseThrow();
    assertEquals(List.of(), again.export().exported(), "nothing left to export");
    assertEquals(List.of(), again.export().failures());
  }

  @Test
  void aBackfillLeavesWindowsInfluxDbMayHaveDeletedAloneWithoutCallingThemFailures() {
    String db = load();
    TieringPolicy policy = policy(db);
    PolicyRunner runner = runner(policy, new Ledger(TestStores.local()), new Heard());
    runner.runDue().orElseThrow();

    JobReport backfill = runner.backfill(OLD_1, NOW, false).orElseThrow().export();

    assertEquals(List.of(), backfill.errors());
    List<Instant> leftAlone = backfill.failures().stream().map(f -> f.window().start()).toList();
    assertTrue(leftAlone.containsAll(List.of(OLD_1, OLD_2)), leftAlone.toString());
    Instant hotFrom = NOW.minus(Duration.ofDays(30));
    assertTrue(
        leftAlone.stream().allMatch(s -> !s.plusSeconds(3600).isAfter(hotFrom)),
        "only windows before hot keep");
    assertTrue(
        backfill.failures().stream()
            .allMatch(
                f ->
                    f.kind() == JobReport.FailureKind.HOT_DELETED
                        && f.kind().onPurpose()
                        && f.reason().startsWith("not re-exported")),
        backfill.failures().toString());
    assertEquals(
        List.of(RECENT),
        backfill.exported().stream().map(w -> w.window().start()).toList(),
        "the hot window is written again");
  }

  @Test
  void aBackfillDoesNotReplaceWhatInfluxDbLostUnlessAskedTo() {
    String db = RetentionFixture.load(influx, "runner_keep");
    TieringPolicy policy = RetentionFixture.policy("runner-keep", db, false);
    Ledger ledger = new Ledger(TestStores.local());
    PolicyRunner runner = runner(policy, ledger, new Heard());
    runner.runDue().orElseThrow();
    Window old = new Window(OLD_1, OLD_1.plusSeconds(3600));
    long before = ledger.latest(db, "cpu", Resolution.RAW, old).orElseThrow().version();
    // Half of the window's points are deleted from InfluxDB after their export.
    client.rows(
        db,
        "DELETE FROM cpu WHERE time >= "
            + Durations.epochNanos(OLD_1)
            + " AND time < "
            + Durations.epochNanos(OLD_1.plusSeconds(15 * 60)));

    JobReport kept = runner.backfill(OLD_1, OLD_2, false).orElseThrow().export();
    assertEquals(List.of(), kept.exported());
    assertEquals(1, kept.failures().size(), kept.failures().toString());
    JobReport.WindowFailure refused = kept.failures().get(0);
    assertEquals(JobReport.FailureKind.WOULD_LOSE_DATA, refused.kind());
    assertEquals(old, refused.window());
    assertTrue(refused.reason().contains("replace=true"), refused.reason());
    assertEquals(before, ledger.latest(db, "cpu", Resolution.RAW, old).orElseThrow().version());

    JobReport replaced = runner.backfill(OLD_1, OLD_2, true).orElseThrow().export();
    assertEquals(List.of(), replaced.failures());
    assertEquals(15, replaced.rows(), "what InfluxDB still holds");
    assertTrue(ledger.latest(db, "cpu", Resolution.RAW, old).orElseThrow().version() > before);
  }
}
