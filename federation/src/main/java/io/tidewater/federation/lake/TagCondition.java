package io.tidewater.federation.lake;

import io.tidewater.federation.plan.Binding;
import io.tidewater.lifecycle.influx.InfluxQl;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A condition a lake scan applies exactly: {@code tag} is one of {@code values}, each a literal
 * ({@link String}) or a string parameter of the statement ({@link Integer}, its index: a plan made
 * once for a query shape reads each run's host). Conditions are resolved and intersected per run.
 */
record TagCondition(String tag, List<Object> values) {

  TagCondition {
    values = List.copyOf(values);
  }

  boolean parameterized() {
    return values.stream().anyMatch(Integer.class::isInstance);
  }

  /** The values under {@code binding}. */
  Set<String> resolve(Binding binding) {
    Set<String> out = new HashSet<>();
    for (Object v : values) {
      if (v instanceof Integer index) {
        // Without a value (EXPLAIN of a statement's own parameters): shown as the parameter.
        out.add(binding.has(index) ? (String) binding.value(index) : "?" + index);
      } else {
        out.add((String) v);
      }
    }
    return out;
  }

  /** The tag values {@code conditions} keep under {@code binding}: per tag, what all allow. */
  static Map<String, Set<String>> resolve(List<TagCondition> conditions, Binding binding) {
    Map<String, Set<String>> out = new HashMap<>();
    for (TagCondition c : conditions) {
      LakeFilter.keepOnly(out, c.tag(), c.resolve(binding));
    }
    return Map.copyOf(out);
  }

  /**
   * As plans print it, names and values quoted and escaped, parameters as {@code ?0}, in order, so
   * that no two different conditions print alike (Volcano's digests, the result cache's keys).
   */
  @Override
  public String toString() {
    Set<String> printed = new TreeSet<>();
    for (Object v : values) {
      printed.add(v instanceof Integer index ? "?" + index : InfluxQl.string((String) v));
    }
    return InfluxQl.identifier(tag) + " IN (" + String.join(", ", printed) + ")";
  }
}
