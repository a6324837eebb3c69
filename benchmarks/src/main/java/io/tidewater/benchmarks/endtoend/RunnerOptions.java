package io.tidewater.benchmarks.endtoend;

import io.tidewater.benchmarks.GatewayProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one end-to-end run does: the data set's size, the lake's store, the query load, where the
 * report goes.
 *
 * @param hosts series per measurement (each host has a cpu and a mem series)
 * @param days history length ending now, one point per series per minute (with gaps)
 * @param store {@code local} (a folder; DuckDB reads the same files) or {@code s3} (s3proxy)
 * @param concurrency requests in flight per system while a query class is measured
 * @param budget how long each query class is measured per system (after the warm-up)
 * @param maxQueries upper bound of measured queries per class and system
 * @param warmup unmeasured queries per class and system first (JIT, connections, plans)
 * @param gatewayWarmup how long the gateway is asked questions of every class before anything is
 *     measured: its JIT compiles Calcite's planner meanwhile (seconds of compiler CPU on 2 cores,
 *     which the first classes measured would otherwise pay; after 30 s the gateway still spent
 *     three times the CPU per question of its steady state); InfluxDB and DuckDB are native
 * @param classes the query classes asked (all by default)
 */
public record RunnerOptions(
    int hosts,
    int days,
    String store,
    int concurrency,
    Duration budget,
    int maxQueries,
    int warmup,
    Duration gatewayWarmup,
    Path out,
    Path gatewayJar,
    boolean waitForCompaction,
    List<QueryClass> classes) {

  public RunnerOptions {
    if (hosts < 2 || days < 3) {
      throw new IllegalArgumentException(
          "--hosts must be >= 2 and --days >= 3 (the classes need two series and"
              + " history older than the 2-day hot tier)");
    }
    if (!store.equals("local") && !store.equals("s3")) {
      throw new IllegalArgumentException("--store must be local or s3, not " + store);
    }
    if (concurrency < 1 || maxQueries < 1 || warmup < 0 || gatewayWarmup.isNegative()) {
      throw new IllegalArgumentException(
          "--concurrency and --queries must be >= 1, --warmup and --warmup-seconds >= 0");
    }
    classes = List.copyOf(classes);
  }

  /** The default run: about 4.3 million rows (15 million values), within 15 minutes on 2 cores. */
  public static RunnerOptions defaults() {
    return new RunnerOptions(
        50,
        30,
        "local",
        2,
        Duration.ofSeconds(20),
        500,
        3,
        Duration.ofSeconds(120),
        Path.of("benchmarks/results"),
        GatewayProcess.DEFAULT_JAR,
        true,
        List.of(QueryClass.values()));
  }

  /** A run small enough for the test suite: it checks that everything runs, not how fast. */
  public static RunnerOptions smoke(Path out, Path gatewayJar) {
    return new RunnerOptions(
        3,
        4,
        "local",
        2,
        Duration.ofMillis(300),
        4,
        1,
        Duration.ofMillis(300),
        out,
        gatewayJar,
        false,
        List.of(QueryClass.values()));
  }

  private static final List<String> NAMES =
      List.of(
          "--hosts",
          "--days",
          "--store",
          "--concurrency",
          "--seconds",
          "--queries",
          "--warmup",
          "--warmup-seconds",
          "--out",
          "--gateway-jar",
          "--classes");

  /**
   * {@code [--smoke] [--hosts N] [--days N] [--store local|s3] [--concurrency N] [--seconds S]
   * [--queries N] [--warmup N] [--warmup-seconds S] [--out DIR] [--gateway-jar JAR] [--classes
   * RECENT_POINT,...]}; {@code --smoke} starts from the smoke sizes instead of the defaults.
   */
  public static RunnerOptions parse(String... args) {
    Map<String, String> given = new HashMap<>();
    boolean smoke = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--smoke")) {
        smoke = true;
      } else if (!NAMES.contains(args[i])) {
        throw new IllegalArgumentException(
            "unknown option " + args[i] + "; known: --smoke " + String.join(" ", NAMES));
      } else if (i + 1 == args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      } else {
        given.put(args[i], args[++i]);
      }
    }
    Path out = Path.of(given.getOrDefault("--out", "benchmarks/results"));
    Path jar =
        given.containsKey("--gateway-jar")
            ? Path.of(given.get("--gateway-jar"))
            : GatewayProcess.DEFAULT_JAR;
    RunnerOptions b = smoke ? smoke(out, jar) : defaults();
    try {
      return new RunnerOptions(
          intOf(given, "--hosts", b.hosts),
          intOf(given, "--days", b.days),
          given.getOrDefault("--store", b.store).toLowerCase(Locale.ROOT),
          intOf(given, "--concurrency", b.concurrency),
          given.containsKey("--seconds") ? seconds(given.get("--seconds")) : b.budget,
          intOf(given, "--queries", b.maxQueries),
          intOf(given, "--warmup", b.warmup),
          given.containsKey("--warmup-seconds")
              ? seconds(given.get("--warmup-seconds"))
              : b.gatewayWarmup,
          out,
          jar,
          b.waitForCompaction,
          given.containsKey("--classes") ? classes(given.get("--classes")) : b.classes);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: " + e.getMessage());
    }
  }

  private static List<QueryClass> classes(String names) {
    List<QueryClass> classes = new ArrayList<>();
    for (String name : names.split(",")) {
      try {
        classes.add(QueryClass.valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--classes: unknown class '"
                + name
                + "'; known: "
                + Arrays.toString(QueryClass.values()));
      }
    }
    return classes;
  }

  private static Duration seconds(String value) {
    return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
  }

  private static int intOf(Map<String, String> given, String name, int otherwise) {
    return given.containsKey(name) ? Integer.parseInt(given.get(name)) : otherwise;
  }
}
