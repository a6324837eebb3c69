package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Metadata asked for in the second half of its time to live is served as it is and reloaded in the
 * background, so the change shows before the entry would have expired; metadata not asked for past
 * its time to live is loaded afresh by the query that asks.
 */
class MetadataRefreshTest {

  private static final Duration TTL = Duration.ofSeconds(6);

  @Test
  void metadataAskedForLateInItsLifeIsReloadedInTheBackground() throws Exception {
    FederationFixture f = FederationFixture.get();
    String db = f.influx.newDatabase("refresh");
    f.influx.write(db, "m1 v=1 1000000000\n");
    FederationCatalog catalog =
        new FederationCatalog(
            new InfluxClient(InfluxConnection.of(f.influx.url())),
            f.ledger,
            f.policies,
            Clock.systemUTC(),
            TTL);
    long loaded = System.nanoTime();
    assertEquals(List.of("m1"), catalog.measurements(db));
    f.influx.write(db, "m2 v=1 1000000000\n");
    assertEquals(List.of("m1"), catalog.measurements(db), "within the first half: as loaded");
    Thread.sleep(TTL.toMillis() / 2 + 200);
    assertEquals(List.of("m1"), catalog.measurements(db), "in the second half: served at once");
    long expires = loaded + TTL.toNanos() - 300_000_000L;
    List<String> seen = catalog.measurements(db);
    while (!seen.contains("m2") && System.nanoTime() < expires) {
      Thread.sleep(50);
      seen = catalog.measurements(db);
    }
    assertTrue(System.nanoTime() < expires, "the background reload came before expiry: " + seen);
    assertEquals(List.of("m1", "m2"), seen);

    // Not asked for past its life: the next query loads it.
    f.influx.write(db, "m3 v=1 1000000000\n");
    Thread.sleep(TTL.toMillis() + 200);
    assertEquals(List.of("m1", "m2", "m3"), catalog.measurements(db));
  }
}
