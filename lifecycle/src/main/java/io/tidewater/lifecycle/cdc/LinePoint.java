package io.tidewater.lifecycle.cdc;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * One point of InfluxDB line protocol: measurement, tags (sorted by key, as InfluxDB keeps them),
 * fields (Double for floats, Long for integers and unsigned, String, Boolean) and time in epoch
 * nanoseconds.
 *
 * @param unsigned the names of fields written as unsigned ({@code 1u})
 */
public record LinePoint(String measurement, SortedMap<String, String> tags, Map<String, Object> fields,
    java.util.Set<String> unsigned, long timeNanos) {

  public LinePoint {
    Objects.requireNonNull(measurement, "measurement");
    tags = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(tags));
    fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    unsigned = java.util.Set.copyOf(unsigned);
  }
}
