package io.tidewater.benchmarks.endtoend;

import java.time.Duration;

/**
 * The panels of the dashboard benchmark: InfluxQL as Grafana's InfluxDB data source sends it
 * ({@code $timeFilter} in epoch milliseconds, {@code GROUP BY time($__interval)} with the interval
 * Grafana picks for the range, or the panel's minimum interval of 1h where the rollups are meant to
 * answer).
 */
enum DashboardPanel {
  HOT_RAW(
      "raw points of one host, last 1h",
      Duration.ofHours(1),
      "SELECT \"usage_user\" FROM \"cpu\" WHERE (\"host\" = 'host-3') AND $timeFilter"),
  HOT_HOSTS(
      "mean per host of one region by 1m, last 6h",
      Duration.ofHours(6),
      "SELECT mean(\"usage_user\") FROM \"cpu\" WHERE (\"region\" = 'region-1') AND $timeFilter"
          + " GROUP BY time(1m), \"host\" fill(null)"),
  HOT_REGIONS(
      "max per region by 1m, last 24h",
      Duration.ofHours(24),
      "SELECT max(\"used_percent\") FROM \"mem\" WHERE $timeFilter"
          + " GROUP BY time(1m), \"region\" fill(null)"),
  MONTH_REGIONS(
      "mean per region by 1h, last 30 days",
      Duration.ofDays(30),
      "SELECT mean(\"usage_user\") FROM \"cpu\" WHERE $timeFilter"
          + " GROUP BY time(1h), \"region\" fill(null)"),
  QUARTER_HOST(
      "max of one host by 6h, last 90 days",
      Duration.ofDays(90),
      "SELECT max(\"used_percent\") FROM \"mem\" WHERE (\"host\" = 'host-3') AND $timeFilter"
          + " GROUP BY time(6h) fill(null)"),
  QUARTER_FLEET(
      "fleet mean and max by 1d, last 90 days",
      Duration.ofDays(90),
      "SELECT mean(\"usage_user\"), max(\"usage_user\") FROM \"cpu\" WHERE $timeFilter"
          + " GROUP BY time(1d) fill(null)");

  final String label;
  final Duration range;
  final String template;

  DashboardPanel(String label, Duration range, String template) {
    this.label = label;
    this.range = range;
    this.template = template;
  }

  /** Whole within the benchmark policy's 2-day hot tier: InfluxDB alone holds the answer. */
  boolean hot() {
    return range.compareTo(Duration.ofDays(2)) < 0;
  }

  /** The statement for the range ending at {@code endMillis}, as Grafana writes it. */
  String statement(long endMillis) {
    long start = endMillis - range.toMillis();
    return template.replace(
        "$timeFilter", "time >= " + start + "ms and time <= " + endMillis + "ms");
  }
}
