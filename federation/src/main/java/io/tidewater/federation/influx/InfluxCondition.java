package io.tidewater.federation.influx;

import io.tidewater.federation.plan.Binding;
import io.tidewater.lifecycle.influx.InfluxQl;
import java.util.ArrayList;
import java.util.List;

/**
 * One condition of an InfluxQL WHERE clause: InfluxQL text with the statement's string parameters
 * in it (a plan made once for a query shape compares a tag with each run's value), each value
 * escaped as an InfluxQL string when the run's statement is built.
 *
 * @param pieces InfluxQL text ({@link String}) and parameter indexes ({@link Integer}), in order
 */
record InfluxCondition(List<Object> pieces) {

  InfluxCondition {
    pieces = List.copyOf(pieces);
  }

  static InfluxCondition text(String influxql) {
    return new InfluxCondition(List.of(influxql));
  }

  /** Text, conditions and parameters ({@code Integer}) in a row. */
  static InfluxCondition of(Object... parts) {
    List<Object> pieces = new ArrayList<>();
    for (Object part : parts) {
      if (part instanceof InfluxCondition c) {
        pieces.addAll(c.pieces);
      } else if (part instanceof String || part instanceof Integer) {
        pieces.add(part);
      } else {
        throw new IllegalArgumentException("not InfluxQL or a parameter: " + part);
      }
    }
    return new InfluxCondition(pieces);
  }

  /** {@code parts} joined by {@code separator} in parentheses. */
  static InfluxCondition joined(List<InfluxCondition> parts, String separator) {
    List<Object> pieces = new ArrayList<>();
    pieces.add("(");
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        pieces.add(separator);
      }
      pieces.addAll(parts.get(i).pieces);
    }
    pieces.add(")");
    return new InfluxCondition(pieces);
  }

  boolean parameterized() {
    return pieces.stream().anyMatch(Integer.class::isInstance);
  }

  /**
   * The InfluxQL for a run with {@code binding}: each parameter's string value escaped ({@code ?0}
   * where it has none: EXPLAIN of a statement's own parameters).
   */
  String render(Binding binding) {
    StringBuilder s = new StringBuilder();
    for (Object piece : pieces) {
      if (piece instanceof Integer index) {
        // Without a value (a plan explained without its parameters): shown as the parameter.
        s.append(binding.has(index) ? InfluxQl.string((String) binding.value(index)) : "?" + index);
      } else {
        s.append((String) piece);
      }
    }
    return s.toString();
  }

  /** As plans print it: parameters as {@code ?0}, {@code ?1}... */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (Object piece : pieces) {
      s.append(piece instanceof Integer index ? "?" + index : piece);
    }
    return s.toString();
  }
}
