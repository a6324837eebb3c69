package io.tidewater.benchmarks.endtoend;

import java.util.List;

/**
 * What one end-to-end run measured; written as JSON as is, and as Markdown and a chart by {@link
 * ReportWriter}. Latencies are milliseconds, measured by the client (request sent to answer read).
 */
record EndToEndReport(
    Machine machine,
    Data data,
    Setup setup,
    List<ClassResult> classes,
    Export export,
    Size size,
    Cache cache,
    List<String> notes) {

  /** Where it ran. */
  record Machine(int cores, long memoryMb, String os, String jvm, String influxd, String at) {}

  /** The data set: series, rows and values loaded, and what was written during the run. */
  record Data(
      int hosts, int days, int series, long rows, long values, int latePoints, long liveLines) {}

  /** How the queries were driven. */
  record Setup(
      String store,
      int concurrency,
      double secondsPerClassAndSystem,
      int maxQueries,
      int warmup,
      double gatewayWarmupSeconds) {}

  /** One system's latencies for one class; {@code null} percentiles where it answered nothing. */
  record SystemResult(
      String system,
      int queries,
      int failures,
      String firstError,
      Double p50,
      Double p95,
      Double p99,
      Double queriesPerSecond) {}

  /**
   * One query class: each system's latencies, the gateway's p95 against each peer's (ratio below 1
   * is faster), the reference table's federation target and the goal of 10x better, whether the
   * gateway's answers had the same number of rows as InfluxDB's, and the gateway's cache.
   */
  record ClassResult(
      String name,
      String label,
      String description,
      String target,
      double goalP95Ms,
      String duckdbCoverage,
      List<SystemResult> systems,
      Double p95VsInfluxdb,
      Double p95VsDuckdb,
      Boolean goalMet,
      int sameRowsAsInfluxdb,
      int compared,
      long cacheHits,
      long cacheMisses) {}

  /**
   * The export of the loaded history through the gateway, against a raw chunked read of the same
   * rows.
   */
  record Export(
      long rows,
      int windows,
      long bytes,
      double seconds,
      double rowsPerSecond,
      double rawReadRowsPerSecond,
      double ratio,
      boolean goalMet) {}

  /**
   * Bytes on disk per field value: the lake's raw Parquet against InfluxDB's TSM files of the same
   * history.
   */
  record Size(
      long lakeRawBytes,
      long tsmBytes,
      long values,
      double lakeBytesPerValue,
      double tsmBytesPerValue,
      Double lakeVsTsm,
      boolean tsmFullyCompacted) {}

  /** The gateway's result cache over the whole query phase. */
  record Cache(long hits, long misses, double hitRatio) {}
}
