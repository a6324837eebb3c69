package io.tidewater.benchmarks.endtoend;

import io.tidewater.testing.InfluxServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The benchmark's time series, shaped like a fleet's monitoring data: every host has a {@code cpu}
 * series (two floats, an integer, a string and a boolean) and a {@code mem} series (a float and an
 * integer), tagged by host and region, one point a minute at a host-specific second with a few
 * seconds of jitter, with outages of 1-6 hours and 1% of points missing.
 */
final class DataSet {

  static final String[] MEASUREMENTS = {"cpu", "mem"};
  static final int REGIONS = 5;
  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final int BATCH_BYTES = 1 << 20;

  final String database;
  final int hosts;
  final Instant start;
  final Instant end;
  private long rows;
  private long values;

  private DataSet(String database, int hosts, Instant start, Instant end) {
    this.database = database;
    this.hosts = hosts;
    this.start = start;
    this.end = end;
  }

  static String host(int h) {
    return "host-" + h;
  }

  static String region(int h) {
    return "region-" + (h % REGIONS);
  }

  /** Rows written (cpu and mem points). */
  long rows() {
    return rows;
  }

  /** Field values written. */
  long values() {
    return values;
  }

  /**
   * Writes {@code days} of history ending at {@code end} into {@code database}, in batches of about
   * 1 MB, two at a time (influxd indexes one batch while the next arrives).
   */
  static DataSet load(InfluxServer influx, String database, int hosts, int days, Instant end)
      throws Exception {
    DataSet data = new DataSet(database, hosts, end.minus(Duration.ofDays(days)), end);
    Random random = new Random(42);
    long first = data.start.getEpochSecond() * SECOND;
    int minutes = days * 24 * 60;
    boolean[][] out = outages(random, hosts, minutes);
    double[] walk = new double[hosts];
    for (int h = 0; h < hosts; h++) {
      walk[h] = 20 + random.nextInt(60);
    }
    StringBuilder batch = new StringBuilder(BATCH_BYTES + 4096);
    Writers writers = new Writers(influx, database);
    for (int m = 0; m < minutes; m++) {
      for (int h = 0; h < hosts; h++) {
        walk[h] = Math.max(0, Math.min(100, walk[h] + random.nextGaussian()));
        if (out[h][m] || random.nextInt(100) == 0) {
          continue;
        }
        long t = first + m * MINUTE + (h * 7L % 50) * SECOND + random.nextInt(5_000) * 1_000_000L;
        data.append(batch, h, walk[h], random, t);
      }
      if (batch.length() > BATCH_BYTES) {
        writers.submit(batch.toString());
        batch.setLength(0);
      }
    }
    if (batch.length() > 0) {
      writers.submit(batch.toString());
    }
    writers.await();
    return data;
  }

  /**
   * Up to two writes in flight, with at most two more batches waiting; the first failure is
   * rethrown.
   */
  private static final class Writers {
    private final InfluxServer influx;
    private final String database;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final Semaphore slots = new Semaphore(4);
    private final List<Future<?>> writes = new ArrayList<>();

    Writers(InfluxServer influx, String database) {
      this.influx = influx;
      this.database = database;
    }

    void submit(String lines) throws InterruptedException {
      slots.acquire();
      writes.add(
          pool.submit(
              () -> {
                try {
                  influx.write(database, lines);
                } finally {
                  slots.release();
                }
              }));
    }

    void await() throws Exception {
      try {
        for (Future<?> w : writes) {
          w.get();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** A cpu and a mem line of host {@code h} at {@code nanos}. */
  void append(StringBuilder lines, int h, double usage, Random random, long nanos) {
    String tags = ",host=" + host(h) + ",region=" + region(h);
    int state = random.nextInt(1000);
    lines
        .append("cpu")
        .append(tags)
        .append(" usage_user=")
        .append(Math.round(usage * 100) / 100.0)
        .append(",usage_system=")
        .append(Math.round(usage * 30) / 100.0)
        .append(",processes=")
        .append(150 + random.nextInt(100))
        .append('i')
        .append(",state=\"")
        .append(state == 0 ? "degraded" : state == 1 ? "maintenance" : "running")
        .append('"')
        .append(",throttled=")
        .append(usage > 95 ? "true" : "false")
        .append(' ')
        .append(nanos)
        .append('\n');
    lines
        .append("mem")
        .append(tags)
        .append(" used_percent=")
        .append(Math.round((30 + usage / 2) * 100) / 100.0)
        .append(",available=")
        .append(16_000_000_000L - (long) (usage * 80_000_000))
        .append('i')
        .append(' ')
        .append(nanos)
        .append('\n');
    rows += 2;
    values += 7;
  }

  /** Per host, the minutes of its outages: about one of 1-6 hours every 10 days. */
  private static boolean[][] outages(Random random, int hosts, int minutes) {
    boolean[][] out = new boolean[hosts][minutes];
    for (int h = 0; h < hosts; h++) {
      int count = 1 + random.nextInt(Math.max(1, minutes / (10 * 24 * 60)) + 1);
      for (int o = 0; o < count; o++) {
        int from = random.nextInt(minutes);
        int length = 60 * (1 + random.nextInt(6));
        for (int m = from; m < Math.min(minutes, from + length); m++) {
          out[h][m] = true;
        }
      }
    }
    return out;
  }

  /**
   * Every host's points of the minutes {@code [fromMinute, toMinute)} (epoch minutes), as written
   * live.
   */
  String minutes(long fromMinute, long toMinute, Random random) {
    StringBuilder lines = new StringBuilder();
    for (long m = fromMinute; m < toMinute; m++) {
      for (int h = 0; h < hosts; h++) {
        append(lines, h, 40 + random.nextInt(20), random, m * MINUTE + (h * 7L % 50) * SECOND);
      }
    }
    return lines.toString();
  }

  /**
   * Late points: {@code n} points stamped between 3 days and the history's start, at the 57th
   * second of a minute (no regular point is there), to be written after the export.
   */
  String latePoints(int n, Random random) {
    StringBuilder lines = new StringBuilder();
    long from = start.getEpochSecond() / 60 + 60;
    long to = end.minus(Duration.ofDays(3)).getEpochSecond() / 60;
    for (int i = 0; i < n; i++) {
      long minute = from + (long) (random.nextDouble() * (to - from));
      append(lines, random.nextInt(hosts), 50, random, (minute * 60 + 57) * SECOND);
    }
    return lines.toString();
  }
}
