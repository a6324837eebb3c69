package io.tidewater.benchmarks.endtoend;

/**
 * One question asked of every system in its own language.
 *
 * @param sql the gateway's SQL
 * @param influxql the same question in InfluxQL
 * @param duckdb the same question in DuckDB's SQL over the lake's raw files; null where the lake
 *     cannot answer it (recent data is not exported yet)
 * @param influxJoins InfluxQL answers with one series per group and the client joins them on time
 *     (what a user of InfluxDB does for a join): rows are the times every series has
 */
record Question(String sql, String influxql, String duckdb, boolean influxJoins) {}
