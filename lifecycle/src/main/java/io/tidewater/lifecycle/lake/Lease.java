package io.tidewater.lifecycle.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.LakeStoreException;
import io.tidewater.lifecycle.store.ObjectInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A lease on a named job in the lake, so that of several gateways one works on it at a time
 * (docs/architecture.md, leases). Leases are numbered objects {@code _leases/<name>/<n>.json}
 * created with put-if-absent: the holder of the highest number holds the lease until its expiry;
 * taking over an expired or released lease is creating the next number, which exactly one contender
 * can do. A dead gateway's lease simply runs out.
 *
 * <p>Expiry is judged without trusting another machine's clock: every renewal creates the next
 * number, so a contender that sees the same newest number for the holder's ttl (written into the
 * lease) on its own monotonic clock ({@link Watch}) knows the holder stopped renewing. The {@code
 * expires} time in the entry is the holder's wall clock, shown to operators, never compared.
 */
public final class Lease {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LakeStore store;
  private final String name;
  private final String owner;
  private final Duration ttl;
  private long number;

  private Lease(LakeStore store, String name, String owner, Duration ttl, long number) {
    this.store = store;
    this.name = name;
    this.owner = owner;
    this.ttl = ttl;
    this.number = number;
  }

  /**
   * Takes the lease on {@code name} for {@code ttl} if nobody holds it, or if {@code owner} itself
   * does (a restarted gateway keeps its id, and its previous life's lease is no one else's: it
   * takes it over at once instead of waiting for it to expire); empty if another owner does.
   */
  public static Optional<Lease> acquire(
      LakeStore store, String name, String owner, Duration ttl, Instant now, Watch watch) {
    Optional<ObjectInfo> newest = newest(store, name);
    long next = 1;
    if (newest.isPresent()) {
      Map<?, ?> held;
      try {
        held = read(store, newest.get().key());
      } catch (LakeStoreException.Missing renewedMeanwhile) {
        return Optional.empty(); // its holder just renewed it: held
      }
      long number = numberOf(newest.get().key());
      boolean released = Boolean.TRUE.equals(held.get("released"));
      boolean ours = owner.equals(held.get("owner"));
      if (!released && !ours && !watch.ranOut(number, ttlOf(held, ttl))) {
        return Optional.empty();
      }
      next = number + 1;
    }
    Lease lease = new Lease(store, name, owner, ttl, next);
    try {
      store.putIfAbsent(lease.key(next), lease.body(now.plus(ttl), false));
    } catch (LakeStoreException.Conflict lost) {
      return Optional.empty(); // another gateway took it first
    }
    return Optional.of(lease);
  }

  /**
   * Who holds the lease on {@code name} by its newest entry (live or not: the caller judges with
   * its {@link Watch}); empty if nobody took it or its last holder released it.
   */
  public static Optional<Holder> holder(LakeStore store, String name) {
    Optional<ObjectInfo> newest = newest(store, name);
    if (newest.isEmpty()) {
      return Optional.empty();
    }
    Map<?, ?> held;
    try {
      held = read(store, newest.get().key());
    } catch (LakeStoreException.Missing renewedMeanwhile) {
      return holder(store, name);
    }
    if (Boolean.TRUE.equals(held.get("released"))) {
      return Optional.empty();
    }
    return Optional.of(
        new Holder(
            (String) held.get("owner"),
            Instant.parse((String) held.get("expires")),
            numberOf(newest.get().key()),
            ttlOf(held, Duration.ZERO)));
  }

  /**
   * A lease's holder, when its lease runs out by the holder's clock unless renewed (for people:
   * never compared with another clock), the number of its newest entry and the holder's ttl.
   */
  public record Holder(String owner, Instant expires, long number, Duration ttl) {}

  /**
   * What one contender has seen of a lease, on its own monotonic clock: the newest number and since
   * when it has been the newest. A lease whose number has not changed for its holder's ttl was not
   * renewed for that long: its holder is gone, whatever the clocks of either machine say.
   */
  public static final class Watch {
    private final LongSupplier nanos;
    private long number = -1;
    private long since;

    /** A watch on this process's {@link System#nanoTime()}. */
    public Watch() {
      this(System::nanoTime);
    }

    /** A watch on {@code nanos} (tests make time pass with it). */
    public Watch(LongSupplier nanos) {
      this.nanos = nanos;
    }

    /** Whether the entry {@code number} has been the newest for at least {@code ttl}. */
    public synchronized boolean ranOut(long number, Duration ttl) {
      long now = nanos.getAsLong();
      if (number != this.number) {
        this.number = number;
        this.since = now;
        return false;
      }
      return now - since >= ttl.toNanos();
    }

    /** Whether {@code holder}'s lease was not renewed for its ttl as far as this watch saw. */
    public boolean ranOut(Holder holder) {
      return ranOut(holder.number(), holder.ttl());
    }
  }

  /** Extends the lease from {@code now}; false if it was lost (expired and taken over). */
  public boolean renew(Instant now) {
    // Someone above our number took over; numbers freed by deletes below must not be reused.
    if (newestNumber() != number) {
      return false;
    }
    try {
      store.putIfAbsent(key(number + 1), body(now.plus(ttl), false));
      store.delete(key(number));
      number++;
      return true;
    } catch (LakeStoreException.Conflict taken) {
      return false;
    }
  }

  /** Gives the lease up so another gateway can take it at once. */
  public void release(Instant now) {
    try {
      store.putIfAbsent(key(number + 1), body(now, true));
      store.delete(key(number));
    } catch (LakeStoreException.Conflict taken) {
      // Someone took it over after it expired: nothing left to release.
    }
  }

  private long newestNumber() {
    return newest(store, name).map(o -> numberOf(o.key())).orElse(-1L);
  }

  /** The highest-numbered entry of the lease on {@code name}, if it was ever taken. */
  private static Optional<ObjectInfo> newest(LakeStore store, String name) {
    return store.list("_leases/" + LakeLayout.escape(name) + "/").stream()
        .filter(o -> o.key().endsWith(".json"))
        .max(Comparator.comparingLong(o -> numberOf(o.key())));
  }

  public String owner() {
    return owner;
  }

  private String key(long n) {
    return "_leases/" + LakeLayout.escape(name) + "/" + String.format("%012d", n) + ".json";
  }

  private byte[] body(Instant expires, boolean released) {
    try {
      return JSON.writeValueAsBytes(
          Map.of(
              "owner",
              owner,
              "expires",
              expires.toString(),
              "ttlMillis",
              ttl.toMillis(),
              "released",
              released));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<?, ?> read(LakeStore store, String key) {
    try {
      return JSON.readValue(store.read(key), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "lease " + store.location().uriOf(key) + " is not readable", e);
    }
  }

  /** The holder's ttl as written in its entry; {@code otherwise} for entries written before. */
  private static Duration ttlOf(Map<?, ?> held, Duration otherwise) {
    return held.get("ttlMillis") instanceof Number ms
        ? Duration.ofMillis(ms.longValue())
        : otherwise;
  }

  private static long numberOf(String key) {
    String file = key.substring(key.lastIndexOf('/') + 1);
    return Long.parseLong(file.substring(0, file.length() - ".json".length()));
  }
}
