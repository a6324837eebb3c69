package io.tidewater.lifecycle.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Lease;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Durations;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two gateways sharing a lake run one policy's export together: no window is exported twice. */
class ExportLeaseTest {

  @TempDir Path temp;

  @Test
  void twoGatewaysNeverExportTheSameWindowTwice() throws Exception {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("lease");
    StringBuilder lp = new StringBuilder();
    long start = Durations.epochNanos(Instant.parse("2025-05-30T00:00:00Z"));
    for (int i = 0; i < 48 * 12; i++) {
      lp.append("cpu,host=a v=")
          .append(i)
          .append(' ')
          .append(start + i * 300_000_000_000L)
          .append('\n');
    }
    influx.write(db, lp.toString());
    TieringPolicy policy =
        new PolicyParser()
            .parse(
                "l.yaml",
                """
        name: lease
        source: { database: %s, measurements: [cpu] }
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d }
        """
                    .formatted(db))
            .get(0);
    Clock clock = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
    Ledger ledger = new Ledger(TestStores.local());
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
    List<ExportJob> gateways = new ArrayList<>();
    for (String id : List.of("gateway-a", "gateway-b")) {
      gateways.add(
          ExportJob.builder(policy, client, ledger)
              .stagingDir(temp.resolve(id))
              .clock(clock)
              .retries(1, Duration.ofMillis(1))
              .lease(id, Duration.ofMinutes(10))
              .build());
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Optional<JobReport>>> runs = new ArrayList<>();
    for (ExportJob job : gateways) {
      runs.add(
          pool.submit(
              () -> {
                go.await();
                return job.runDue();
              }));
    }
    go.countDown();
    int exported = 0;
    for (Future<Optional<JobReport>> run : runs) {
      exported += run.get().map(r -> r.exported().size()).orElse(0);
    }
    pool.shutdown();
    List<WindowVersion> windows = ledger.windows(db, "cpu", Resolution.RAW);
    assertEquals(48, windows.size());
    assertEquals(48, exported, "each window exported by one gateway, once");
    assertEquals(List.of(1L), windows.stream().map(WindowVersion::version).distinct().toList());
  }

  @Test
  void aGatewayThatLosesItsLeaseStops() throws Exception {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("lease");
    StringBuilder lp = new StringBuilder();
    long start = Durations.epochNanos(Instant.parse("2025-04-01T00:00:00Z"));
    for (int i = 0; i < 24 * 40 * 6; i++) { // 40 days of hourly windows
      lp.append("cpu,host=a v=")
          .append(i)
          .append(' ')
          .append(start + i * 600_000_000_000L)
          .append('\n');
    }
    influx.write(db, lp.toString());
    TieringPolicy policy =
        new PolicyParser()
            .parse(
                "l.yaml",
                """
        name: lost
        source: { database: %s, measurements: [cpu] }
        tiers:
          hot: { keep: 90d }
          warm: { after: 90d }
        """
                    .formatted(db))
            .get(0);
    Clock clock = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
    Ledger ledger = new Ledger(TestStores.local());
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
    ExportJob job =
        ExportJob.builder(policy, client, ledger)
            .stagingDir(temp.resolve("lost"))
            .clock(clock)
            .retries(1, Duration.ofMillis(1))
            .lease("stalled", Duration.ofMillis(300))
            .build();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<Optional<JobReport>> run = pool.submit(() -> job.runDue());
    Thread.sleep(700);
    // Another gateway judges the holder stalled (its watch sees a whole ttl pass between two looks
    // at the same number, as when the holder is paused longer than its ttl) and takes the lease
    // over. The holder still renews, so an attempt can lose the race to one of its renewals (that
    // contender would try again at its next schedule): try as a scheduler would.
    AtomicLong ticks = new AtomicLong();
    Lease.Watch stalledLooking = new Lease.Watch(() -> ticks.addAndGet(1_000_000_000L));
    boolean taken = false;
    for (int attempt = 0; attempt < 50 && !taken; attempt++) {
      taken =
          Lease.acquire(
                  ledger.store(),
                  "export-lost",
                  "taker",
                  Duration.ofMinutes(10),
                  clock.instant(),
                  stalledLooking)
              .isPresent();
      if (!taken) {
        Thread.sleep(20);
      }
    }
    assertEquals(true, taken, "the expired lease was taken over");
    ExecutionException e =
        Assertions.assertThrows(ExecutionException.class, () -> run.get(60, TimeUnit.SECONDS));
    Assertions.assertTrue(
        e.getCause().getMessage().contains("another gateway took it over"),
        e.getCause().getMessage());
    Assertions.assertTrue(
        ledger.windows(db, "cpu", Resolution.RAW).size() < 960, "the run stopped before the end");
    pool.shutdown();
  }
}
