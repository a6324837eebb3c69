package io.tidewater.federation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidewater.federation.route.Route;
import io.tidewater.federation.route.Router;
import io.tidewater.lifecycle.cdc.DirtyRanges;
import io.tidewater.lifecycle.export.RollupSchema;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxException;
import io.tidewater.lifecycle.influx.InfluxQl;
import io.tidewater.lifecycle.lake.LakeLayout;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.PolicySet;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.util.Threads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What queries can see: databases and measurements of InfluxDB and the lake, their merged columns,
 * the lake's windows and the routes between the two. Read through short-lived caches so schemas
 * follow InfluxDB and the ledger without a restart; when InfluxDB is unreachable, what the lake
 * knows still answers (cold ranges keep working). An entry asked for in the second half of its time
 * to live is reloaded in the background while it is still served, so a dashboard asking every few
 * seconds does not wait for listings of the ledger, while nothing is used past its time to live.
 */
public final class FederationCatalog {

  /** Reloads metadata still being served (one thread for every catalog: listings are I/O). */
  private static final ExecutorService REFRESH =
      Executors.newSingleThreadExecutor(Threads.daemon("tidewater-metadata-refresh"));

  /** A cached value and when it was loaded. */
  private record Stamped(Object value, long loadedNanos) {}

  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

  /** Counts invalidations: a background reload begun before one does not store what it read. */
  private final AtomicLong invalidations = new AtomicLong();

  private final long refreshAfterNanos;

  private final InfluxClient influx;
  private final Ledger ledger;
  private final PolicySet policies;
  private final Clock clock;
  private final DirtyRanges dirty;
  private final Cache<String, Object> cache;

  /** InfluxDB's metadata as last answered, for when it does not answer. */
  private final Cache<String, Object> lastKnown = Caffeine.newBuilder().maximumSize(10_000).build();

  private final InfluxClient metadata;
  private final Duration metadataLimit;
  private volatile long askAgainAtNanos = System.nanoTime();

  /**
   * Counts, per thread, metadata made without InfluxDB because it did not answer: what a load built
   * on such is not cached, so it is redone once InfluxDB answers (InfluxDB's own errors, such as a
   * database it does not have, are answers and are cached).
   */
  private final ThreadLocal<long[]> unansweredHere = ThreadLocal.withInitial(() -> new long[1]);

  /**
   * How long planning waits for InfluxDB's metadata (SHOW ...) before it goes on with what it last
   * knew.
   */
  public static final Duration DEFAULT_METADATA_LIMIT = Duration.ofSeconds(5);

  public FederationCatalog(
      InfluxClient influx, Ledger ledger, PolicySet policies, Clock clock, Duration metadataTtl) {
    this(influx, ledger, policies, clock, metadataTtl, DirtyRanges.NONE, DEFAULT_METADATA_LIMIT);
  }

  /**
   * With change capture (its dirty windows are answered by InfluxDB until re-exported) and a limit
   * on the wait for InfluxDB's metadata: past it, and for as long again after, planning uses the
   * metadata InfluxDB last gave (and the lake's), so a stalled InfluxDB does not hold queries the
   * lake can answer.
   */
  public FederationCatalog(
      InfluxClient influx,
      Ledger ledger,
      PolicySet policies,
      Clock clock,
      Duration metadataTtl,
      DirtyRanges dirty,
      Duration metadataLimit) {
    if (metadataLimit.isNegative() || metadataLimit.isZero()) {
      throw new IllegalArgumentException(
          "the wait for InfluxDB's metadata must be longer than zero, not " + metadataLimit);
    }
    this.dirty = dirty;
    this.influx = influx;
    this.metadata = influx.limitedTo(metadataLimit);
    this.metadataLimit = metadataLimit;
    this.ledger = ledger;
    this.policies = policies;
    this.clock = clock;
    this.cache = Caffeine.newBuilder().expireAfterWrite(metadataTtl).maximumSize(100_000).build();
    this.refreshAfterNanos = metadataTtl.toNanos() / 2;
  }

  public InfluxClient influx() {
    return influx;
  }

  public Ledger ledger() {
    return ledger;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * InfluxDB's databases (its own {@code _internal} left out), those the policies name, and the
   * lake's.
   */
  public List<String> databases() {
    return cached(
        "databases",
        () -> {
          TreeSet<String> names = new TreeSet<>();
          policies.policies().forEach(p -> names.add(p.source().database()));
          fromInflux("databases", metadata::databases, List.<String>of()).stream()
              .filter(d -> !d.equals("_internal"))
              .forEach(names::add);
          // A database the ledger knows has a measurement folder holding something: a request
          // per database, not a listing of every entry.
          for (String folder : ledger.store().folders(LakeLayout.LEDGER_ROOT)) {
            if (!ledger.store().folders(LakeLayout.LEDGER_ROOT + folder + "/").isEmpty()) {
              names.add(LakeLayout.unescape(folder));
            }
          }
          return List.copyOf(names);
        });
  }

  /** The measurements of a database in InfluxDB or the lake. */
  public List<String> measurements(String database) {
    return cached(
        "measurements/" + database,
        () -> {
          TreeSet<String> names = new TreeSet<>();
          names.addAll(
              fromInflux(
                  "measurements/" + database, () -> metadata.measurements(database), List.of()));
          names.addAll(
              lakeMeasurements(LakeLayout.LEDGER_ROOT + LakeLayout.escape(database) + "/"));
          return List.copyOf(names);
        });
  }

  /**
   * The measurements with windows in the ledger folder {@code prefix} of a database: those with a
   * folder of their own (a resolution), not only their export progress. Delimiter listings, so a
   * reload costs a request per measurement, not a listing of every window.
   */
  private List<String> lakeMeasurements(String prefix) {
    List<String> names = new ArrayList<>();
    for (String folder : ledger.store().folders(prefix)) {
      if (!ledger.store().folders(prefix + folder + "/").isEmpty()) {
        names.add(LakeLayout.unescape(folder));
      }
    }
    return names;
  }

  /** The policy tiering a measurement, if any. */
  public Optional<TieringPolicy> policy(String database, String measurement) {
    return policies.policies().stream()
        .filter(p -> p.source().database().equals(database) && p.source().claims(measurement))
        .findFirst();
  }

  /** The retention policy InfluxDB is read from: the policy's, else the database's default. */
  public Optional<String> retentionPolicy(String database, String measurement) {
    return policy(database, measurement).flatMap(p -> p.source().retentionPolicy());
  }

  /**
   * The retention policy the federation reads of a measurement: its policy's, else the database's
   * default in InfluxDB (empty where InfluxDB has not said).
   */
  public Optional<String> tieredRetentionPolicy(String database, String measurement) {
    Optional<String> named = retentionPolicy(database, measurement);
    if (named.isPresent()) {
      return named;
    }
    return cached(
        "default-rp/" + database,
        () ->
            fromInflux(
                "default-rp/" + database,
                () ->
                    metadata
                        .rows(
                            database, "SHOW RETENTION POLICIES ON " + InfluxQl.identifier(database))
                        .stream()
                        .filter(r -> r.size() > 4 && Boolean.TRUE.equals(r.get(4)))
                        .map(r -> String.valueOf(r.get(0)))
                        .findFirst(),
                Optional.<String>empty()));
  }

  /**
   * The columns of a measurement: InfluxDB's now (or last known) joined with every lake window's.
   */
  public MeasurementSchema schema(String database, String measurement) {
    return cached(
        "schema/" + database + "/" + measurement,
        () -> {
          MeasurementSchema schema =
              fromInflux(
                  "schema/" + database + "/" + measurement,
                  () ->
                      metadata.schema(
                          database, retentionPolicy(database, measurement), measurement),
                  new MeasurementSchema(measurement, List.of(), List.of()));
          for (WindowVersion w : rawWindows(database, measurement)) {
            schema = schema.union(w.schema());
          }
          return schema;
        });
  }

  /** The newest version of every raw window of a measurement in the lake, in time order. */
  public List<WindowVersion> rawWindows(String database, String measurement) {
    return windows(database, measurement, Resolution.RAW);
  }

  /**
   * The raw windows of a measurement whose full resolution was dropped (or expired), in time order.
   */
  public List<WindowVersion> droppedRawWindows(String database, String measurement) {
    return cached(
        "dropped/" + database + "/" + measurement,
        () -> ledger.deletedWindows(database, measurement, Resolution.RAW));
  }

  /** The newest version of every window of a measurement at one resolution, in time order. */
  public List<WindowVersion> windows(String database, String measurement, Resolution resolution) {
    return cached(
        "windows/" + resolution.name() + "/" + database + "/" + measurement,
        () -> ledger.windows(database, measurement, resolution));
  }

  /** The rollup resolutions any policy keeps, finest first. */
  public List<Resolution> rollupResolutions() {
    TreeSet<Resolution> all = new TreeSet<>(Comparator.comparing(Resolution::width));
    for (TieringPolicy p : policies.policies()) {
      p.tiers().warm().ifPresent(t -> all.addAll(t.rollups()));
      p.tiers().cold().ifPresent(t -> all.addAll(t.rollups()));
    }
    return List.copyOf(all);
  }

  /**
   * The columns of a measurement's rollup at one resolution: per field {@code <field>_count},
   * {@code _sum}, {@code _min}, {@code _max}, {@code _first}, {@code _last} (those its type keeps)
   * and {@code _first_time}/{@code _last_time}; {@code time} is the bucket's start.
   */
  public MeasurementSchema rollupSchema(
      String database, String measurement, Resolution resolution) {
    return cached(
        "rollup-schema/" + resolution.name() + "/" + database + "/" + measurement,
        () -> {
          MeasurementSchema schema = RollupSchema.of(schema(database, measurement));
          for (WindowVersion w : windows(database, measurement, resolution)) {
            schema = schema.union(w.schema());
          }
          return schema;
        });
  }

  /**
   * Forgets what is remembered of a measurement (its windows, columns, export progress): it
   * changed.
   */
  public void invalidate(String database, String measurement) {
    String suffix = "/" + database + "/" + measurement;
    invalidations.incrementAndGet();
    cache.asMap().keySet().removeIf(k -> k.endsWith(suffix));
  }

  /** How a measurement's time line is split between the lake and InfluxDB now. */
  public List<Route> routes(String database, String measurement) {
    Optional<Instant> through =
        cached(
            "through/" + database + "/" + measurement,
            () -> ledger.exportedThrough(database, measurement));
    // Dirty windows are read live (not cached): a window must leave the lake's part the moment it
    // is marked.
    return Router.routes(
        policy(database, measurement),
        through,
        dirty.dirtyWindows(database, measurement),
        clock.instant());
  }

  /**
   * InfluxDB's answer to a metadata question, remembered; where InfluxDB fails, the last answer (or
   * {@code none}); where it is unreachable or slower than the metadata limit, InfluxDB is also not
   * asked again for that long, so each query of an outage does not wait the limit anew.
   */
  @SuppressWarnings("unchecked")
  private <T> T fromInflux(String key, Supplier<T> ask, T none) {
    boolean unanswered = true; // while backing off, as when asked
    if (System.nanoTime() - askAgainAtNanos >= 0) {
      try {
        T answer = ask.get();
        lastKnown.put(key, answer);
        return answer;
      } catch (InfluxException failed) {
        unanswered = failed.unanswered();
        if (unanswered) {
          askAgainAtNanos = System.nanoTime() + metadataLimit.toNanos();
        }
      }
    }
    if (unanswered) {
      unansweredHere.get()[0]++;
    }
    Object known = lastKnown.getIfPresent(key);
    return known == null ? none : (T) known;
  }

  // Not Cache.get(key, loader): loaders call cached() themselves (a schema reads the windows), and
  // Caffeine refuses recursive loads. Two threads may both load an entry once; they get equal
  // values.
  @SuppressWarnings("unchecked")
  private <T> T cached(String key, Supplier<T> load) {
    Stamped known = (Stamped) cache.getIfPresent(key);
    if (known == null) {
      if (WITHOUT_LOADING.get()[0]) {
        throw WouldLoad.INSTANCE;
      }
      long[] unanswered = unansweredHere.get();
      long before = unanswered[0];
      T value = load.get();
      if (unanswered[0] == before) {
        cache.put(key, new Stamped(value, System.nanoTime()));
      }
      return value;
    }
    if (refreshAfterNanos > 0
        && System.nanoTime() - known.loadedNanos() >= refreshAfterNanos
        && refreshing.add(key)) {
      long generation = invalidations.get();
      REFRESH.execute(() -> reload(key, load, generation));
    }
    return (T) known.value();
  }

  private static final ThreadLocal<boolean[]> WITHOUT_LOADING =
      ThreadLocal.withInitial(() -> new boolean[1]);

  /**
   * {@code work}'s result computed from what this catalog remembers, without asking InfluxDB or the
   * lake: for a thread that must not wait (an HTTP event loop). Throws {@link WouldLoad} where
   * {@code work} needs something not remembered (the caller then does it where it may wait).
   */
  public static <T> T withoutLoading(Supplier<T> work) {
    boolean[] flag = WITHOUT_LOADING.get();
    boolean before = flag[0];
    flag[0] = true;
    try {
      return work.get();
    } finally {
      flag[0] = before;
    }
  }

  /** Thrown inside {@link #withoutLoading} where metadata would have to be loaded. */
  public static final class WouldLoad extends RuntimeException {
    private static final WouldLoad INSTANCE = new WouldLoad();

    private WouldLoad() {
      super("metadata not remembered", null, false, false);
    }
  }

  /** Loads {@code key} again off the request's path; a failure leaves the entry to expire. */
  private void reload(String key, Supplier<?> load, long generation) {
    try {
      long[] unanswered = unansweredHere.get();
      long before = unanswered[0];
      Object value = load.get();
      if (unanswered[0] == before && invalidations.get() == generation) {
        cache.put(key, new Stamped(value, System.nanoTime()));
      }
    } catch (RuntimeException e) {
      // Loaded again, and reported, by the first query after the entry expires.
    } finally {
      refreshing.remove(key);
    }
  }
}
