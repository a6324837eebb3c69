package io.tidewater.lifecycle.parquet;

/**
 * What was written into one Parquet file: its rows, distinct series and time range (epoch ns,
 * inclusive). Empty files have {@code minTime > maxTime}.
 */
public record FileSummary(long rows, int series, long minTime, long maxTime) {}
