package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Adversarial names and values in SQL cannot change the InfluxQL sent: they arrive as data. */
class InfluxQlInjectionTest {

  @TempDir Path temp;

  @Test
  void adversarialLiteralsAndIdentifiersStayData() {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("inj");
    // measurement we"ird, tag ta'g, field fi"eld: names with quotes, spaces, commas and unicode.
    influx.write(
        db,
        """
        we"ird,ta'g=x\\ y,host=h1 fi"eld=1,other=10 1000000000
        we"ird,ta'g=it's\\,é,host=h2 fi"eld=2,other=20 2000000000
        we"ird,ta'g=back\\slash,host=h3 fi"eld=3,other=30 3000000000
        """);
    FederationCatalog catalog =
        new FederationCatalog(
            new InfluxClient(InfluxConnection.of(influx.url())),
            new Ledger(new LocalLakeStore(new LakeLocation.Local(temp))),
            PolicySet.parse(List.of()),
            Clock.systemUTC(),
            Duration.ZERO);
    SqlEngine engine = new SqlEngine(catalog);
    String table = "\"" + db + "\".\"we\"\"ird\"";
    // A value that would end the string literal and add a condition, were it not escaped.
    assertEquals(
        List.of(),
        Rows.of(engine, "SELECT host FROM " + table + " WHERE \"ta'g\" = 'x y'' OR ''1''=''1'"));
    assertEquals(
        List.of(List.of("h2")),
        Rows.of(engine, "SELECT host FROM " + table + " WHERE \"ta'g\" = 'it''s,é'"));
    assertEquals(
        List.of(List.of("h3")),
        Rows.of(engine, "SELECT host FROM " + table + " WHERE \"ta'g\" = 'back\\slash'"));
    assertEquals(
        List.of(List.of("h1")),
        Rows.of(engine, "SELECT host FROM " + table + " WHERE \"ta'g\" = 'x y'"));
    // Backslashes, quotes and regex metacharacters in LIKE are matched literally.
    assertEquals(
        List.of(),
        Rows.of(engine, "SELECT host FROM " + table + " WHERE \"ta'g\" LIKE '.*/ OR host =~ /.*'"));
    assertEquals(
        List.of(List.of("h2")),
        Rows.of(engine, "SELECT host FROM " + table + " WHERE \"ta'g\" LIKE 'it''%'"));
    assertEquals(
        List.of(List.of(2.0)),
        Rows.of(engine, "SELECT \"fi\"\"eld\" FROM " + table + " WHERE host = 'h2'"));
    // An aggregate without groups over no points is one row, as in SQL (InfluxDB's fill(none) gives
    // none).
    List<Object> none = new ArrayList<>();
    none.add(0L);
    none.add(null);
    assertEquals(
        List.of(none),
        Rows.of(
            engine, "SELECT COUNT(other), SUM(other) FROM " + table + " WHERE host = 'nobody'"));
    String pushed =
        engine
            .explain("SELECT host FROM " + table + " WHERE \"ta'g\" = 'x'' OR ''1''=''1'")
            .parts()
            .get(0)
            .pushed();
    assertTrue(pushed.contains("\"ta'g\" = 'x\\' OR \\'1\\'=\\'1'"), pushed);
    assertTrue(pushed.contains("FROM \"" + db + "\"..\"we\\\"ird\""), pushed);
  }
}
