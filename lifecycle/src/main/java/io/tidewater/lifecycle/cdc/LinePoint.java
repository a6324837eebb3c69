package io.tidewater.lifecycle.cdc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One point of InfluxDB line protocol: measurement, tags (sorted by key, as InfluxDB keeps them),
 * fields (Double for floats, Long for integers and unsigned, String, Boolean) and time in epoch
 * nanoseconds.
 *
 * @param unsigned the names of fields written as unsigned ({@code 1u})
 */
public record LinePoint(
    String measurement,
    SortedMap<String, String> tags,
    Map<String, Object> fields,
    Set<String> unsigned,
    long timeNanos) {

  public LinePoint {
    Objects.requireNonNull(measurement, "measurement");
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    unsigned = Set.copyOf(unsigned);
  }
}
