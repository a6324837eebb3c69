package io.tidewater.lifecycle.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.TestStores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Leases on the real stores: one holder at a time, expiry, release, renewal. */
class LeaseTest {

  static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
  static final Duration TTL = Duration.ofMinutes(10);

  static LakeStore store(String kind) {
    return switch (kind) {
      case "local" -> TestStores.local();
      case "s3" -> TestStores.s3();
      default -> TestStores.azure();
    };
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "s3", "azure"})
  void oneHolderAtATimeUntilReleaseOrExpiry(String kind) throws Exception {
    LakeStore store = store(kind);
    String name = "job-" + UUID.randomUUID();
    // Eight gateways race for it: exactly one gets it.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Optional<Lease>>> tries = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String owner = "gateway-" + i;
      tries.add(
          pool.submit(
              () -> {
                start.await();
                return Lease.acquire(store, name, owner, TTL, T0);
              }));
    }
    start.countDown();
    List<Lease> holders = new ArrayList<>();
    for (Future<Optional<Lease>> f : tries) {
      f.get().ifPresent(holders::add);
    }
    pool.shutdown();
    assertEquals(1, holders.size());
    Lease held = holders.get(0);

    assertTrue(
        Lease.acquire(store, name, "late", TTL, T0.plusSeconds(60)).isEmpty(),
        "held and not expired");
    assertTrue(held.renew(T0.plus(Duration.ofMinutes(8))));
    assertTrue(
        Lease.acquire(store, name, "late", TTL, T0.plus(Duration.ofMinutes(15))).isEmpty(),
        "renewed until 18 min");
    Optional<Lease> takeover =
        Lease.acquire(store, name, "survivor", TTL, T0.plus(Duration.ofMinutes(19)));
    assertTrue(takeover.isPresent(), "a dead holder's lease runs out");
    assertFalse(
        held.renew(T0.plus(Duration.ofMinutes(19))), "the old holder learns it lost the lease");
    takeover.get().release(T0.plus(Duration.ofMinutes(20)));
    assertEquals(
        "next",
        Lease.acquire(store, name, "next", TTL, T0.plus(Duration.ofMinutes(20)))
            .orElseThrow()
            .owner(),
        "a released lease is free at once");
  }

  /** A stalled holder must not slip back in through a number freed by the new holder's renewal. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "s3", "azure"})
  void aStalledHolderCannotRenewAfterATakeover(String kind) {
    LakeStore store = store(kind);
    String name = "job-" + UUID.randomUUID();
    Lease stalled = Lease.acquire(store, name, "stalled", TTL, T0).orElseThrow();
    Lease taker =
        Lease.acquire(store, name, "taker", TTL, T0.plus(Duration.ofMinutes(11))).orElseThrow();
    assertTrue(
        taker.renew(T0.plus(Duration.ofMinutes(12))),
        "the new holder renews (freeing its old number)");
    assertFalse(stalled.renew(T0.plus(Duration.ofMinutes(13))), "the stalled holder has lost it");
    assertTrue(
        Lease.acquire(store, name, "third", TTL, T0.plus(Duration.ofMinutes(14))).isEmpty(),
        "still held");
  }

  /** A restarted gateway (same id) takes over the lease its previous life left at once. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "s3", "azure"})
  void theSameOwnerTakesOverItsLeaseAtOnceAndNoOneElseDoes(String kind) {
    LakeStore store = store(kind);
    String name = "job-" + UUID.randomUUID();
    Lease crashed = Lease.acquire(store, name, "gateway-a", TTL, T0).orElseThrow();
    assertTrue(
        Lease.acquire(store, name, "gateway-b", TTL, T0.plusSeconds(1)).isEmpty(),
        "held by another gateway until it expires");
    Lease restarted = Lease.acquire(store, name, "gateway-a", TTL, T0.plusSeconds(2)).orElseThrow();
    assertFalse(crashed.renew(T0.plusSeconds(3)), "the previous life's handle is stale");
    assertTrue(restarted.renew(T0.plusSeconds(4)));
  }
}
