package io.tidewater.lifecycle.retention;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.policy.Durations;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.testing.InfluxServer;
import java.time.Instant;
import java.util.List;

/**
 * Three hours of {@code cpu} in InfluxDB, two of them older than a 30-day hot tier at {@link #NOW},
 * and a policy keeping 30 days hot that may delete exported points from InfluxDB: what retention
 * and whole policy runs are tested on.
 */
public final class RetentionFixture {

  public static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  /** Beyond hot keep (30 days). */
  public static final Instant OLD_1 = Instant.parse("2025-04-01T00:00:00Z");

  public static final Instant OLD_2 = Instant.parse("2025-04-02T00:00:00Z");
  public static final Instant RECENT = Instant.parse("2025-05-31T00:00:00Z");

  private RetentionFixture() {}

  /** A new database holding 30 points an hour (one a minute) at each of the three hours. */
  public static String load(InfluxServer influx, String name) {
    String db = influx.newDatabase(name);
    StringBuilder lp = new StringBuilder();
    for (Instant hour : List.of(OLD_1, OLD_2, RECENT)) {
      for (int i = 0; i < 30; i++) {
        lp.append("cpu,host=a v=")
            .append(i)
            .append(",s=\"x\" ")
            .append(Durations.epochNanos(hour) + i * 60_000_000_000L)
            .append('\n');
      }
    }
    influx.write(db, lp.toString());
    return db;
  }

  /** A policy named {@code name} over {@code db}'s cpu: 30 days hot, then warm with 1m rollups. */
  public static TieringPolicy policy(String name, String db, boolean delete) {
    return new PolicyParser()
        .parse(
            name + ".yaml",
            """
            name: %s
            source: { database: %s, measurements: [cpu] }
            tiers:
              hot: { keep: 30d }
              warm: { after: 30d, rollups: [1m] }
            delete-from-hot-after-export: %s
            """
                .formatted(name, db, delete))
        .get(0);
  }

  /** The values of {@code v} InfluxDB holds in {@code [from, to)}. */
  public static long count(InfluxClient client, String db, Instant from, Instant to) {
    List<List<Object>> rows =
        client.rows(
            db,
            "SELECT count(v) FROM cpu WHERE time >= "
                + Durations.epochNanos(from)
                + " AND time < "
                + Durations.epochNanos(to));
    return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
  }
}
