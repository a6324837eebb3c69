package io.tidewater.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewater.testing.InfluxServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chaos: writes, queries and exports run together while influxd and the packaged gateway are killed
 * (SIGKILL) in turns and restarted; afterwards every minute window is compared between InfluxDB
 * (which kept everything: the writer retries it until it accepts) and the lake. The report says
 * what was lost (must be nothing), what was duplicated, and the latency and outcomes of writes and
 * queries under the load and the kills.
 *
 * <p>The writer behaves as an InfluxDB subscription: a batch goes to InfluxDB first, then to the
 * gateway's {@code /write}, and is dropped for the gateway while it is down (reconciliation must
 * find those). A third of the points are late (up to three minutes old), so exported windows become
 * dirty and are repaired. An export run is requested every 10 s, as a scheduler would.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.tidewater.benchmarks.ChaosReport [seconds]
 * [out] [gateway jar]}
 */
public final class ChaosReport {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** Query shapes the clients send, by name. */
  static Map<String, String> queries(String db) {
    return Map.of(
        "routed, last 10 min",
        "SELECT COUNT(*) AS n, AVG(v) AS a FROM \""
            + db
            + "\".cpu WHERE \"time\" > CURRENT_TIMESTAMP - INTERVAL '10' MINUTE",
        "lake, whole",
        "SELECT host, COUNT(*) AS n, MAX(v) AS m FROM lake.\"" + db + "\".cpu GROUP BY host");
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 180;
    Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/results");
    Path jar = args.length > 2 ? Path.of(args[2]) : GatewayProcess.DEFAULT_JAR;
    Files.createDirectories(out);
    try (InfluxServer influx = InfluxServer.start()) {
      String db = influx.newDatabase("chaos");
      Path dir = Files.createTempDirectory("tidewater-chaos-");
      Path policies = Files.createDirectories(dir.resolve("policies"));
      Files.writeString(
          policies.resolve("chaos.yaml"),
          """
          name: chaos
          source: { database: %s, measurements: [cpu] }
          window: 1m
          settle: 5s
          tiers:
            hot: { keep: 30d }
            warm: { after: 30d }
          """
              .formatted(db));
      Map<String, String> settings =
          Map.of(
              "tidewater.policies.folder",
              policies.toString(),
              "tidewater.influx.url",
              influx.url().toString(),
              "tidewater.lake.uri",
              dir.resolve("lake").toUri().toString(),
              "tidewater.cdc.log-dir",
              dir.resolve("cdc-log").toString(),
              "tidewater.cdc.repair-interval",
              "1s",
              "tidewater.export.scheduled",
              "false",
              "tidewater.export.lease-ttl",
              "PT30S",
              "tidewater.query.timeout",
              "PT20S");
      int port = GatewayProcess.freePort();
      AtomicInteger lives = new AtomicInteger();
      Chaos chaos = new Chaos(influx, db, jar, settings, dir, port, lives);
      chaos.gateway = chaos.startGateway();
      // Late points go back to the start of this minute at the earliest: every window compared is
      // one the run wrote into from its start.
      Instant first = Instant.now().truncatedTo(ChronoUnit.MINUTES);
      chaos.run(first, Duration.ofSeconds(seconds));
      String report = chaos.settleAndCompare(first, seconds);
      Files.writeString(out.resolve("chaos.md"), report);
      System.out.println(report);
      chaos.gateway.close();
    }
  }

  /** One run: the parts under load and what they saw. */
  static final class Chaos {
    final InfluxServer influx;
    final String db;
    final Map<String, String> queries;
    final Path jar;
    final Map<String, String> settings;
    final Path dir;
    final int port;
    final AtomicInteger lives;
    volatile GatewayProcess gateway;
    final AtomicBoolean stop = new AtomicBoolean();
    final List<Double> writeLatencies = Collections.synchronizedList(new ArrayList<>());
    final Map<String, List<Double>> queryLatencies = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    final AtomicLong pointsWritten = new AtomicLong();
    final AtomicLong pointsAcknowledged = new AtomicLong();
    final AtomicLong pointsDropped = new AtomicLong();
    int gatewayKills;
    int influxKills;

    Chaos(
        InfluxServer influx,
        String db,
        Path jar,
        Map<String, String> settings,
        Path dir,
        int port,
        AtomicInteger lives) {
      this.influx = influx;
      this.db = db;
      this.queries = queries(db);
      this.jar = jar;
      this.settings = settings;
      this.dir = dir;
      this.port = port;
      this.lives = lives;
    }

    GatewayProcess startGateway() throws Exception {
      return GatewayProcess.start(
          jar, settings, dir.resolve("gateway-" + lives.incrementAndGet() + ".log"), port);
    }

    URI gatewayUri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    void count(String outcome) {
      outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
    }

    void run(Instant first, Duration length) throws Exception {
      List<Thread> threads = new ArrayList<>();
      threads.add(new Thread(() -> writer(first), "chaos-writer"));
      for (String name : queries.keySet()) {
        threads.add(new Thread(() -> querier(name), "chaos-query"));
      }
      threads.add(new Thread(this::exporter, "chaos-export"));
      threads.forEach(Thread::start);
      long end = System.nanoTime() + length.toNanos();
      boolean gatewayTurn = true;
      while (System.nanoTime() < end) {
        Thread.sleep(15_000);
        if (System.nanoTime() >= end) {
          break;
        }
        if (gatewayTurn) {
          gateway.kill();
          gatewayKills++;
          Thread.sleep(1000);
          gateway = startGateway();
        } else {
          influx.kill();
          influxKills++;
          Thread.sleep(3000);
          influx.restart();
        }
        gatewayTurn = !gatewayTurn;
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join(60_000);
      }
    }

    /** Batches of 100 points every 200 ms: two thirds current, a third up to three minutes late. */
    void writer(Instant first) {
      Random random = new Random(42);
      while (!stop.get()) {
        long now = Instant.now().toEpochMilli();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 100; i++) {
          long t = random.nextInt(3) == 0 ? now - random.nextInt(180_000) : now;
          t = Math.max(t, first.toEpochMilli());
          body.append("cpu,host=h")
              .append(random.nextInt(8))
              .append(" v=")
              .append(random.nextInt(100_000))
              .append("i ")
              .append(t * 1_000_000L + random.nextInt(1_000_000))
              .append('\n');
        }
        // InfluxDB first, as the subscription's source: retried until it takes the batch.
        for (; ; ) {
          try {
            influx.write(db, body.toString());
            pointsWritten.addAndGet(100);
            break;
          } catch (RuntimeException down) {
            sleep(200);
          }
        }
        long t0 = System.nanoTime();
        try {
          HttpResponse<Void> r =
              HTTP.send(
                  HttpRequest.newBuilder(gatewayUri("/write?db=" + db + "&precision=ns"))
                      .timeout(Duration.ofSeconds(10))
                      .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 204) {
            writeLatencies.add((System.nanoTime() - t0) / 1e6);
            pointsAcknowledged.addAndGet(100);
          } else {
            pointsDropped.addAndGet(100);
            count("write " + r.statusCode());
          }
        } catch (IOException e) {
          pointsDropped.addAndGet(100); // the gateway is down: a subscription drops the batch
          count("write refused (gateway down)");
        } catch (InterruptedException e) {
          return;
        }
        sleep(200);
      }
    }

    void querier(String name) {
      String body = "{\"sql\": " + quote(queries.get(name)) + "}";
      while (!stop.get()) {
        long t0 = System.nanoTime();
        try {
          HttpResponse<String> r =
              HTTP.send(
                  HttpRequest.newBuilder(gatewayUri("/v1/sql"))
                      .timeout(Duration.ofSeconds(30))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            queryLatencies
                .computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>()))
                .add((System.nanoTime() - t0) / 1e6);
            count("query ok");
          } else {
            JsonNode error = JSON.readTree(r.body());
            count("query " + r.statusCode() + " " + error.path("code").asText());
          }
        } catch (IOException e) {
          count("query refused (gateway down)");
          sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void exporter() {
      while (!stop.get()) {
        sleep(10_000);
        try {
          HttpResponse<String> r =
              HTTP.send(
                  HttpRequest.newBuilder(gatewayUri("/v1/jobs/chaos/run"))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          count("run request " + r.statusCode());
        } catch (IOException e) {
          count("run request refused (gateway down)");
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /**
     * Brings the lake up to date (an export run, reconciliation, repairs, a last run) and compares
     * every closed minute with InfluxDB.
     */
    String settleAndCompare(Instant first, int seconds) throws Exception {
      Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
      Thread.sleep(7000); // the last minute window settles (5 s)
      long started = System.nanoTime();
      runAndWait();
      post("/v1/jobs/chaos/reconcile");
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (System.nanoTime() < until) {
        JsonNode status = JSON.readTree(get("/v1/jobs/chaos"));
        if (status.path("changes").path("dirtyWindows").asInt() == 0
            && !status.path("running").asBoolean()) {
          break;
        }
        Thread.sleep(500);
      }
      runAndWait();
      double settleSeconds = (System.nanoTime() - started) / 1e9;
      Map<Instant, long[]> truth = influxPerMinute(first, end);
      Map<Instant, long[]> lake = lakePerMinute(first, end);
      long lost = 0;
      long extra = 0;
      int mismatched = 0;
      for (Map.Entry<Instant, long[]> e : truth.entrySet()) {
        long[] l = lake.getOrDefault(e.getKey(), new long[2]);
        long[] t = e.getValue();
        if (l[0] != t[0] || l[1] != t[1]) {
          mismatched++;
        }
        lost += Math.max(0, t[0] - l[0]);
        extra += Math.max(0, l[0] - t[0]);
      }
      for (Instant m : lake.keySet()) {
        if (!truth.containsKey(m)) {
          mismatched++;
          extra += lake.get(m)[0];
        }
      }
      long truthPoints = truth.values().stream().mapToLong(v -> v[0]).sum();
      if (truthPoints == 0) {
        throw new IllegalStateException(
            "nothing to compare between " + first + " and " + end + ": run longer");
      }
      StringBuilder rows = new StringBuilder();
      rows.append(
          String.format(
              Locale.ROOT,
              "| writes acknowledged by the gateway | %,d batches | p50 %.1f ms, p99 %.1f ms |%n",
              writeLatencies.size(),
              Percentiles.of(doubles(writeLatencies), 50),
              Percentiles.of(doubles(writeLatencies), 99)));
      for (Map.Entry<String, List<Double>> q : new TreeMap<>(queryLatencies).entrySet()) {
        rows.append(
            String.format(
                Locale.ROOT,
                "| SQL `%s` answered | %,d | p50 %.1f ms, p95 %.1f ms, p99 %.1f ms |%n",
                q.getKey(),
                q.getValue().size(),
                Percentiles.of(doubles(q.getValue()), 50),
                Percentiles.of(doubles(q.getValue()), 95),
                Percentiles.of(doubles(q.getValue()), 99)));
      }
      StringBuilder outcomeRows = new StringBuilder();
      new TreeMap<>(outcomes)
          .forEach(
              (k, v) ->
                  outcomeRows.append(String.format(Locale.ROOT, "| %s | %,d |%n", k, v.get())));
      return String.format(
          Locale.ROOT,
          """
          ## Chaos: kills of influxd and the gateway under writes, queries and exports

          Machine: %d cores, %s %s, Debian influxd 1.6.7 and the packaged gateway on the same \
          machine. %d s of load: a writer (batches of 100 points every 200 ms, a third of them up \
          to 3 minutes late, into 1-minute windows; InfluxDB first, then the gateway as a \
          subscription would, dropped for the gateway while it is down), two SQL clients (a routed \
          query over the last 10 minutes, a grouped query over the whole lake), an export run \
          requested every 10 s; every 15 s in turns the gateway is killed with SIGKILL and \
          restarted (same port, change log and lake) or influxd is killed and restarted 3 s later \
          (%d gateway kills, %d influxd kills). Then an export run, reconciliation, repairs and a \
          last run (%.1f s), and every minute window compared with InfluxDB (count and sum per \
          window).

          | what was lost | |
          |---|---:|
          | points InfluxDB holds in the compared windows | %,d |
          | points written to InfluxDB / acknowledged by the gateway / dropped for the gateway (down) | %,d / %,d / %,d |
          | windows compared / differing from InfluxDB | %,d / %,d |
          | points lost (in InfluxDB, not in the lake) | %,d |
          | points duplicated or extra in the lake | %,d |

          | latency under load and kills | count | latency |
          |---|---:|---|
          %s
          | outcome | count |
          |---|---:|
          %s""",
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.vm.name"),
          System.getProperty("java.version"),
          seconds,
          gatewayKills,
          influxKills,
          settleSeconds,
          truthPoints,
          pointsWritten.get(),
          pointsAcknowledged.get(),
          pointsDropped.get(),
          truth.size(),
          mismatched,
          lost,
          extra,
          rows,
          outcomeRows);
    }

    void runAndWait() throws Exception {
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      String before =
          JSON.readTree(get("/v1/jobs/chaos")).path("lastRun").path("finished").asText();
      while (System.nanoTime() < until) {
        int status = post("/v1/jobs/chaos/run");
        if (status == 202) {
          break;
        }
        Thread.sleep(500); // busy with a run or a repair, or the lease lapses
      }
      while (System.nanoTime() < until) {
        JsonNode s = JSON.readTree(get("/v1/jobs/chaos"));
        if (!s.path("running").asBoolean()
            && !s.path("lastRun").path("finished").asText().equals(before)) {
          return;
        }
        Thread.sleep(300);
      }
      throw new IllegalStateException("the export run did not end: " + get("/v1/jobs/chaos"));
    }

    /** Count and sum of {@code v} per minute, as InfluxDB holds them. */
    Map<Instant, long[]> influxPerMinute(Instant from, Instant to) throws Exception {
      String q =
          "SELECT count(v), sum(v) FROM cpu WHERE time >= '"
              + from
              + "' AND time < '"
              + to
              + "' GROUP BY time(1m) fill(none)";
      JsonNode values =
          JSON.readTree(influx.query(db, q))
              .path("results")
              .path(0)
              .path("series")
              .path(0)
              .path("values");
      Map<Instant, long[]> out = new TreeMap<>();
      for (JsonNode v : values) {
        out.put(
            Instant.ofEpochMilli(v.get(0).asLong() / 1_000_000),
            new long[] {v.get(1).asLong(), v.get(2).asLong()});
      }
      return out;
    }

    /** Count and sum of {@code v} per minute in the lake, through the gateway's SQL. */
    Map<Instant, long[]> lakePerMinute(Instant from, Instant to) throws Exception {
      String sql =
          "SELECT FLOOR(\"time\" TO MINUTE) AS m, COUNT(*) AS n, SUM(v) AS s FROM lake.\""
              + db
              + "\".cpu WHERE \"time\" >= TIMESTAMP '"
              + from.toString().replace('T', ' ').replace("Z", "")
              + "' AND \"time\" < TIMESTAMP '"
              + to.toString().replace('T', ' ').replace("Z", "")
              + "' GROUP BY FLOOR(\"time\" TO MINUTE)";
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(gatewayUri("/v1/sql"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": " + quote(sql) + "}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(sql + ": " + r.body());
      }
      Map<Instant, long[]> out = new TreeMap<>();
      for (JsonNode row : JSON.readTree(r.body()).path("rows")) {
        out.put(
            Instant.parse(row.get(0).asText()),
            new long[] {row.get(1).asLong(), row.get(2).asLong()});
      }
      return out;
    }

    String get(String path) throws Exception {
      return HTTP.send(
              HttpRequest.newBuilder(gatewayUri(path)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }

    int post(String path) throws Exception {
      return HTTP.send(
              HttpRequest.newBuilder(gatewayUri(path))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static double[] doubles(List<Double> values) {
    synchronized (values) {
      return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
