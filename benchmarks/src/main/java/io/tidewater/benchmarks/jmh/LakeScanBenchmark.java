package io.tidewater.benchmarks.jmh;

import io.tidewater.benchmarks.LakeSizeReport;
import io.tidewater.lifecycle.parquet.ColumnBatch;
import io.tidewater.lifecycle.parquet.ScanSpec;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.lifecycle.parquet.TimeSeriesReader;
import io.tidewater.lifecycle.parquet.TimeSeriesWriter;
import io.tidewater.lifecycle.parquet.WriteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Parquet written by the gateway (20 hosts x 1 day at 10 s, 4 float fields, zstd: 345,600 rows):
 * decoding every column, the grouped count/sum/min/max the lake scan computes while decoding, and
 * the same aggregate in DuckDB on one thread over the same file (the peer).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LakeScanBenchmark {

  private Path file;
  private ScanSpec all;
  private Connection duck;
  private String duckSql;

  @Setup
  public void setUp() throws Exception {
    SeriesRows rows = LakeSizeReport.generate(1, 20);
    file = Files.createTempFile("tidewater-scan-bench-", ".parquet");
    Files.delete(file);
    TimeSeriesWriter.write(rows, new LocalOutputFile(file), WriteOptions.DEFAULTS);
    all = ScanSpec.all(rows.schema());
    duck = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement s = duck.createStatement()) {
      s.execute("SET threads = 1");
    }
    duckSql =
        "SELECT host, count(f0), sum(f0), min(f0), max(f0) FROM read_parquet('"
            + file
            + "') GROUP BY host";
  }

  @TearDown
  public void tearDown() throws Exception {
    duck.close();
    Files.deleteIfExists(file);
  }

  @Benchmark
  public long decodeAllColumns() {
    long rows = 0;
    try (TimeSeriesReader reader =
        TimeSeriesReader.open(new LocalInputFile(file), file.toString(), all)) {
      ColumnBatch batch = new ColumnBatch(all);
      while (reader.next(batch)) {
        rows += batch.size();
      }
    }
    return rows;
  }

  @Benchmark
  public String groupedAggregate() {
    return LakeSizeReport.aggregate(file);
  }

  @Benchmark
  public long groupedAggregateDuckDbOneThread() throws Exception {
    long n = 0;
    try (Statement s = duck.createStatement();
        ResultSet rs = s.executeQuery(duckSql)) {
      while (rs.next()) {
        n += rs.getLong(2);
      }
    }
    return n;
  }
}
