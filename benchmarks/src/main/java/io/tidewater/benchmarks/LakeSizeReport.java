package io.tidewater.benchmarks;

import io.tidewater.lifecycle.parquet.ColumnBatch;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.ScanSpec;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.lifecycle.parquet.TimeSeriesReader;
import io.tidewater.lifecycle.parquet.TimeSeriesWriter;
import io.tidewater.lifecycle.parquet.WriteOptions;
import io.tidewater.policy.Compression;
import io.tidewater.policy.TimestampPrecision;
import io.tidewater.policy.rollup.FieldType;
import io.tidewater.testing.InfluxServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Size and scan speed of the lake's Parquet against its peers, in one run on one machine (the
 * targets in the README's "Benchmarks"): bytes per value of a regular float series written by the
 * gateway (zstd and snappy), by DuckDB from the same rows sorted by host and time, and by InfluxDB
 * as TSM after a full compaction; and one-thread grouped count/avg/min/max over the gateway's file,
 * by the gateway's reader and by DuckDB.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.tidewater.benchmarks.LakeSizeReport [days]
 * [hosts]}
 */
public final class LakeSizeReport {

  static final int FIELDS = 5;
  static final long INTERVAL_NANOS = 10_000_000_000L;
  static final long START = 1_735_689_600_000_000_000L; // 2025-01-01T00:00:00Z

  public static void main(String[] args) throws Exception {
    int days = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path out = Path.of(args.length > 2 ? args[2] : "benchmarks/results");
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("tidewater-size-");
    StringBuilder report = new StringBuilder();
    try {
      run(days, hosts, work, report);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.println(report);
    Files.writeString(out.resolve("lake-size.md"), report.toString());
  }

  static MeasurementSchema schema() {
    List<FieldColumn> fields = new ArrayList<>();
    for (int f = 0; f < FIELDS; f++) {
      fields.add(new FieldColumn("f" + f, FieldType.FLOAT));
    }
    return new MeasurementSchema("cpu", List.of("host"), fields);
  }

  /** 10 s points per host, each field a random walk rounded to 1-4 decimals. */
  public static SeriesRows generate(int days, int hosts) {
    SeriesRows rows = new SeriesRows(schema());
    long points = days * 86_400L * 1_000_000_000L / INTERVAL_NANOS;
    Random random = new Random(42);
    for (int h = 0; h < hosts; h++) {
      double[] walk = new double[FIELDS];
      Arrays.fill(walk, 50);
      for (long i = 0; i < points; i++) {
        rows.startRow(START + i * INTERVAL_NANOS);
        rows.tag(0, String.format("host-%02d", h));
        for (int f = 0; f < FIELDS; f++) {
          walk[f] += random.nextGaussian();
          double scale = Math.pow(10, 1 + f % 4);
          rows.setDouble(f, Math.round(walk[f] * scale) / scale);
        }
      }
    }
    return rows;
  }

  private static void run(int days, int hosts, Path work, StringBuilder report) throws Exception {
    SeriesRows rows = generate(days, hosts);
    long values = (long) rows.size() * FIELDS;
    Path zstd = work.resolve("gateway-zstd.parquet");
    Path snappy = work.resolve("gateway-snappy.parquet");
    TimeSeriesWriter.write(rows, new LocalOutputFile(zstd), options(Compression.ZSTD));
    TimeSeriesWriter.write(rows, new LocalOutputFile(snappy), options(Compression.SNAPPY));
    long daily = writeDaily(rows, days, work);

    Path duckZstd = work.resolve("duckdb-zstd.parquet");
    Path duckSnappy = work.resolve("duckdb-snappy.parquet");
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = duck.createStatement()) {
      s.execute("CREATE TABLE t AS SELECT * FROM read_parquet('" + zstd + "')");
      s.execute(
          "COPY (SELECT * FROM t ORDER BY host, time) TO '"
              + duckZstd
              + "' (FORMAT parquet, COMPRESSION zstd)");
      s.execute(
          "COPY (SELECT * FROM t ORDER BY host, time) TO '"
              + duckSnappy
              + "' (FORMAT parquet, COMPRESSION snappy)");
    }
    long tsm = tsmBytes(rows);

    long zs = Files.size(zstd);
    long sn = Files.size(snappy);
    long dz = Files.size(duckZstd);
    long ds = Files.size(duckSnappy);
    report
        .append("## Lake size: ")
        .append(hosts)
        .append(" hosts x ")
        .append(FIELDS)
        .append(" float fields at 10 s for ")
        .append(days)
        .append(" days (")
        .append(String.format(Locale.ROOT, "%,d", values))
        .append(" values)\n\n")
        .append("Random walks rounded to 1-4 decimals; machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.version"))
        .append(
            ".\n\n| file | bytes | bytes/value | vs DuckDB, same codec | vs TSM |\n|---|---:|---:|---:|---:|\n");
    row(report, "gateway, zstd, one file", zs, values, dz, tsm);
    row(report, "gateway, zstd, 1-day windows", daily, values, dz, tsm);
    row(report, "DuckDB, zstd (sorted by host, time)", dz, values, dz, tsm);
    row(report, "gateway, snappy, one file", sn, values, ds, tsm);
    row(report, "DuckDB, snappy (sorted by host, time)", ds, values, ds, tsm);
    row(report, "InfluxDB 1.6 TSM, fully compacted", tsm, values, -1, tsm);
    report.append("\nGoal: gateway <= 0.9x DuckDB with the same codec.\n\n");
    scanSpeed(zstd, rows.size(), report);
  }

  private static WriteOptions options(Compression codec) {
    return new WriteOptions(
        codec,
        TimestampPrecision.MICROS,
        WriteOptions.DEFAULTS.rowGroupBytes(),
        WriteOptions.DEFAULTS.pageBytes());
  }

  /** The same rows as the lake holds them with daily windows: one file per day. */
  private static long writeDaily(SeriesRows rows, int days, Path work) throws IOException {
    int[] order = rows.seriesTimeOrder();
    long total = 0;
    long day = 86_400_000_000_000L;
    for (int d = 0; d < days; d++) {
      long from = START + d * day;
      int[] ofDay =
          IntStream.of(order)
              .filter(r -> rows.timeNanos(r) >= from && rows.timeNanos(r) < from + day)
              .toArray();
      Path file = work.resolve("day-" + d + ".parquet");
      TimeSeriesWriter.write(rows, ofDay, new LocalOutputFile(file), options(Compression.ZSTD));
      total += Files.size(file);
    }
    return total;
  }

  /** Loads the rows into influxd, waits for its full compaction, and sums the TSM files. */
  private static long tsmBytes(SeriesRows rows) throws Exception {
    try (InfluxServer influx =
        InfluxServer.start(
            "  compact-full-write-cold-duration = \"2s\"\n  cache-snapshot-write-cold-duration = \"1s\"")) {
      String db = influx.newDatabase("size");
      StringBuilder batch = new StringBuilder();
      for (int r = 0; r < rows.size(); r++) {
        batch.append("cpu,host=").append(rows.tagValueAt(0, r)).append(' ');
        for (int f = 0; f < FIELDS; f++) {
          batch
              .append(f == 0 ? "" : ",")
              .append('f')
              .append(f)
              .append('=')
              .append(rowsValue(rows, f, r));
        }
        batch.append(' ').append(rows.timeNanos(r)).append('\n');
        if ((r + 1) % 20_000 == 0) {
          influx.write(db, batch.toString());
          batch.setLength(0);
        }
      }
      if (batch.length() > 0) {
        influx.write(db, batch.toString());
      }
      return TsmFiles.awaitCompactedSize(influx.dataDir());
    }
  }

  private static String rowsValue(SeriesRows rows, int field, int row) {
    return Double.toString(rows.doubleValue(field, row));
  }

  private static void row(
      StringBuilder report, String name, long bytes, long values, long duck, long tsm) {
    report.append(
        String.format(
            Locale.ROOT,
            "| %s | %,d | %.2f | %s | %.2fx |%n",
            name,
            bytes,
            (double) bytes / values,
            duck < 0 ? "" : String.format(Locale.ROOT, "%.2fx", (double) bytes / duck),
            (double) bytes / tsm));
  }

  /**
   * One-thread grouped count/avg/min/max of one field by host: 5 warm-up and 20 measured runs each,
   * interleaved.
   */
  private static void scanSpeed(Path file, int rows, StringBuilder report) throws SQLException {
    List<Long> ours = new ArrayList<>();
    List<Long> duck = new ArrayList<>();
    String oursResult = "";
    String duckResult = "";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET threads = 1");
      for (int run = 0; run < 25; run++) {
        long t0 = System.nanoTime();
        oursResult = aggregate(file);
        long t1 = System.nanoTime();
        StringBuilder d = new StringBuilder();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT host, count(f0), avg(f0), min(f0), max(f0) FROM read_parquet('"
                    + file
                    + "') GROUP BY host ORDER BY host")) {
          while (rs.next()) {
            d.append(
                String.format(
                    Locale.ROOT,
                    "%s %d %.6f %.4f %.4f;",
                    rs.getString(1),
                    rs.getLong(2),
                    rs.getDouble(3),
                    rs.getDouble(4),
                    rs.getDouble(5)));
          }
        }
        long t2 = System.nanoTime();
        duckResult = d.toString();
        if (run >= 5) { // the first runs warm both up (JIT compilation, file cache)
          ours.add(t1 - t0);
          duck.add(t2 - t1);
        }
      }
    }
    if (!oursResult.equals(duckResult)) {
      throw new IllegalStateException(
          "results differ:\n gateway " + oursResult + "\n duckdb  " + duckResult);
    }
    long om = median(ours);
    long dm = median(duck);
    report
        .append("## Lake scan: grouped count/avg/min/max of one field by host, one thread\n\n")
        .append("| reader | median ms | rows/s |\n|---|---:|---:|\n")
        .append(
            String.format(
                Locale.ROOT,
                "| gateway (page decoding into primitive arrays) | %.1f | %,.0f |%n",
                om / 1e6,
                rows / (om / 1e9)))
        .append(
            String.format(
                Locale.ROOT,
                "| DuckDB (threads=1) | %.1f | %,.0f |%n",
                dm / 1e6,
                rows / (dm / 1e9)))
        .append(
            String.format(
                Locale.ROOT,
                "%nGateway speed / DuckDB speed: %.2fx (goal >= 1.0x). Both results agree.%n",
                (double) dm / om));
  }

  private static long median(List<Long> xs) {
    List<Long> sorted = new ArrayList<>(xs);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  /**
   * The gateway's reader: per host id, count/sum/min/max over dictionary ids, no object per row.
   */
  public static String aggregate(Path file) {
    MeasurementSchema schema = schema();
    ScanSpec spec =
        new ScanSpec(
            schema,
            false,
            List.of("host"),
            List.of("f0"),
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            Map.of());
    Map<String, double[]> byHost = new TreeMap<>();
    try (TimeSeriesReader reader =
        TimeSeriesReader.open(new LocalInputFile(file), file.toString(), spec)) {
      ColumnBatch batch = new ColumnBatch(spec);
      while (reader.next(batch)) {
        ColumnBatch.Vector host = batch.tag(0);
        ColumnBatch.Vector f0 = batch.field(0);
        int ids = host.dictionary().size();
        double[][] acc = new double[ids][];
        for (int i = 0; i < ids; i++) {
          acc[i] =
              byHost.computeIfAbsent(
                  host.dictionary().get(i),
                  k -> new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
        }
        // Rows come sorted by series: aggregate each run of one host without a lookup per row.
        int n = batch.size();
        for (int start = 0; start < n; ) {
          int id = host.idAt(start);
          int end = start + 1;
          while (end < n && host.idAt(end) == id) {
            end++;
          }
          double count = 0;
          double sum = 0;
          double min = Double.POSITIVE_INFINITY;
          double max = Double.NEGATIVE_INFINITY;
          for (int r = start; r < end; r++) {
            if (!f0.isNull(r)) {
              double v = f0.doubleAt(r);
              count++;
              sum += v;
              min = Math.min(min, v);
              max = Math.max(max, v);
            }
          }
          double[] a = acc[id];
          a[0] += count;
          a[1] += sum;
          a[2] = Math.min(a[2], min);
          a[3] = Math.max(a[3], max);
          start = end;
        }
      }
    }
    StringBuilder out = new StringBuilder();
    byHost.forEach(
        (h, a) ->
            out.append(
                String.format(
                    Locale.ROOT,
                    "%s %d %.6f %.4f %.4f;",
                    h,
                    (long) a[0],
                    a[1] / a[0],
                    a[2],
                    a[3])));
    return out.toString();
  }
}
