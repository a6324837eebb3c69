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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Leases on the real stores: one holder at a time, expiry judged on the contender's own clock,
 * release, renewal.
 */
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

  /** A contender's own clock, moved by the test. */
  static final class Ticker {
    final AtomicLong nanos = new AtomicLong();

    Lease.Watch watch() {
      return new Lease.Watch(nanos::get);
    }

    void pass(Duration d) {
      nanos.addAndGet(d.toNanos());
    }
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
                return Lease.acquire(store, name, owner, TTL, T0, new Lease.Watch());
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

    Ticker late = new Ticker();
    Lease.Watch watch = late.watch();
    assertTrue(Lease.acquire(store, name, "late", TTL, T0, watch).isEmpty(), "held");
    late.pass(Duration.ofMinutes(8));
    assertTrue(Lease.acquire(store, name, "late", TTL, T0, watch).isEmpty(), "not renewed 8 min");
    assertTrue(held.renew(T0.plus(Duration.ofMinutes(8))));
    late.pass(Duration.ofMinutes(7)); // 15 min since first seen, 7 since it saw the renewal
    assertTrue(
        Lease.acquire(store, name, "late", TTL, T0, watch).isEmpty(),
        "renewed: the watch starts again when the number changes");
    late.pass(Duration.ofMinutes(10));
    Optional<Lease> takeover = Lease.acquire(store, name, "late", TTL, T0, watch);
    assertTrue(takeover.isPresent(), "not renewed for its ttl: a dead holder's lease runs out");
    assertFalse(
        held.renew(T0.plus(Duration.ofMinutes(19))), "the old holder learns it lost the lease");
    takeover.get().release(T0.plus(Duration.ofMinutes(20)));
    assertEquals(
        "next",
        Lease.acquire(store, name, "next", TTL, T0, new Lease.Watch()).orElseThrow().owner(),
        "a released lease is free at once");
  }

  /**
   * Wall clocks are never compared: a contender whose clock is a year ahead (or the holder's a year
   * behind) still waits the holder's ttl, written into the lease, on its own clock.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "s3"})
  void anotherMachinesClockDoesNotExpireALease(String kind) {
    LakeStore store = store(kind);
    String name = "job-" + UUID.randomUUID();
    Lease.acquire(
            store,
            name,
            "behind",
            Duration.ofMinutes(2),
            T0.minus(Duration.ofDays(365)),
            new Lease.Watch())
        .orElseThrow();
    Ticker ahead = new Ticker();
    Lease.Watch watch = ahead.watch();
    Instant yearLater = T0.plus(Duration.ofDays(365));
    assertTrue(Lease.acquire(store, name, "ahead", TTL, yearLater, watch).isEmpty());
    ahead.pass(Duration.ofMinutes(1));
    assertTrue(
        Lease.acquire(store, name, "ahead", TTL, yearLater, watch).isEmpty(),
        "a minute of the holder's two");
    Lease.Holder holder = Lease.holder(store, name).orElseThrow();
    assertEquals(Duration.ofMinutes(2), holder.ttl(), "the holder's ttl, not the contender's");
    assertFalse(watch.ranOut(holder));
    ahead.pass(Duration.ofMinutes(1));
    assertTrue(
        Lease.acquire(store, name, "ahead", TTL, yearLater, watch).isPresent(),
        "two minutes without a renewal by the contender's clock");
  }

  /** A stalled holder must not slip back in through a number freed by the new holder's renewal. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "s3", "azure"})
  void aStalledHolderCannotRenewAfterATakeover(String kind) {
    LakeStore store = store(kind);
    String name = "job-" + UUID.randomUUID();
    Lease stalled = Lease.acquire(store, name, "stalled", TTL, T0, new Lease.Watch()).orElseThrow();
    Ticker taker = new Ticker();
    Lease.Watch watch = taker.watch();
    assertTrue(Lease.acquire(store, name, "taker", TTL, T0, watch).isEmpty());
    taker.pass(Duration.ofMinutes(11));
    Lease took = Lease.acquire(store, name, "taker", TTL, T0, watch).orElseThrow();
    assertTrue(
        took.renew(T0.plus(Duration.ofMinutes(12))),
        "the new holder renews (freeing its old number)");
    assertFalse(stalled.renew(T0.plus(Duration.ofMinutes(13))), "the stalled holder has lost it");
    assertTrue(
        Lease.acquire(store, name, "third", TTL, T0, new Lease.Watch()).isEmpty(), "still held");
  }

  /** A restarted gateway (same id) takes over the lease its previous life left at once. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "s3", "azure"})
  void theSameOwnerTakesOverItsLeaseAtOnceAndNoOneElseDoes(String kind) {
    LakeStore store = store(kind);
    String name = "job-" + UUID.randomUUID();
    Lease crashed =
        Lease.acquire(store, name, "gateway-a", TTL, T0, new Lease.Watch()).orElseThrow();
    assertTrue(
        Lease.acquire(store, name, "gateway-b", TTL, T0.plusSeconds(1), new Lease.Watch())
            .isEmpty(),
        "held by another gateway until it stops renewing");
    Lease restarted =
        Lease.acquire(store, name, "gateway-a", TTL, T0.plusSeconds(2), new Lease.Watch())
            .orElseThrow();
    assertFalse(crashed.renew(T0.plusSeconds(3)), "the previous life's handle is stale");
    assertTrue(restarted.renew(T0.plusSeconds(4)));
  }
}
