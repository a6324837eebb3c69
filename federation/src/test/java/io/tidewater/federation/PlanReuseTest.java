package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.PolicySet;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plans are reused for the same SQL only while what they were made from holds. */
class PlanReuseTest {

  @TempDir Path temp;

  @Test
  void aNewColumnIsSeenByTheSameSqlAtOnce() {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("plans");
    influx.write(db, "m,host=a x=1 1000000000\n");
    SqlEngine engine =
        new SqlEngine(
            new FederationCatalog(
                new InfluxClient(InfluxConnection.of(influx.url())),
                new Ledger(new LocalLakeStore(new LakeLocation.Local(temp))),
                PolicySet.parse(List.of()),
                Clock.systemUTC(),
                Duration.ZERO));
    String sql = "SELECT * FROM \"" + db + "\".m";
    assertEquals(List.of("time", "host", "x"), columns(engine, sql));
    assertEquals(List.of("time", "host", "x"), columns(engine, sql));
    influx.write(db, "m,host=b,rack=r1 x=2,y=3i 2000000000\n");
    assertEquals(List.of("time", "host", "rack", "x", "y"), columns(engine, sql));
    assertEquals(2, rows(engine, sql));
  }

  private static List<String> columns(SqlEngine engine, String sql) {
    try (SqlResult r = engine.query(sql, 100, Duration.ofSeconds(30))) {
      while (r.next() != null) {
        // read to the end, so the plan is given back for reuse
      }
      return new ArrayList<>(r.columns().stream().map(SqlColumn::name).toList());
    }
  }

  private static int rows(SqlEngine engine, String sql) {
    int n = 0;
    try (SqlResult r = engine.query(sql, 100, Duration.ofSeconds(30))) {
      while (r.next() != null) {
        n++;
      }
    }
    return n;
  }
}
