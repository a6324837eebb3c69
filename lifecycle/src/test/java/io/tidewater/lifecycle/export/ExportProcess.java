package io.tidewater.lifecycle.export;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.TieringPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A gateway's export in a process of its own, for {@link ExportKillTest} to kill. Arguments:
 * influx-url db lake-folder now [backfill-from backfill-to].
 */
public final class ExportProcess {

  public static void main(String[] args) {
    String db = args[1];
    TieringPolicy policy =
        new PolicyParser()
            .parse(
                "kill.yaml",
                """
        name: kill
        source: { database: %s, measurements: [cpu, mem] }
        window: 1h
        settle: 5m
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d, rollups: [1m] }
        """
                    .formatted(db))
            .get(0);
    Clock clock = Clock.fixed(Instant.parse(args[3]), ZoneOffset.UTC);
    InfluxClient influx = new InfluxClient(InfluxConnection.of(URI.create(args[0])));
    Ledger ledger = new Ledger(new LocalLakeStore(new LakeLocation.Local(Path.of(args[2]))));
    ExportJob job =
        ExportJob.builder(policy, influx, ledger)
            .stagingDir(Path.of(args[2]).resolveSibling("staging"))
            .clock(clock)
            .retries(3, Duration.ofMillis(50))
            .build();
    JobReport report =
        args.length > 4
            ? job.backfill(Instant.parse(args[4]), Instant.parse(args[5])).orElseThrow()
            : job.runDue().orElseThrow();
    System.out.println(
        "done "
            + report.exported().size()
            + " "
            + report.alreadyDone()
            + " "
            + report.failures().size());
  }
}
