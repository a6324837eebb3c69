package io.tidewater.policy;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Selects measurements by exact name or, written {@code /regex/} as in InfluxQL, by a regular
 * expression that must match the whole name.
 */
public record MeasurementMatcher(String name, Pattern regex) {

  public MeasurementMatcher {
    if ((name == null) == (regex == null)) {
      throw new IllegalArgumentException("a measurement matcher has either a name or a regex");
    }
    if (name != null && name.isEmpty()) {
      throw new IllegalArgumentException("a measurement name cannot be empty");
    }
  }

  public static MeasurementMatcher exact(String name) {
    return new MeasurementMatcher(name, null);
  }

  public static MeasurementMatcher regex(String regex) {
    return new MeasurementMatcher(null, Pattern.compile(regex));
  }

  public boolean isRegex() {
    return regex != null;
  }

  public boolean matches(String measurement) {
    return isRegex() ? regex.matcher(measurement).matches() : name.equals(measurement);
  }

  /** The policy-file spelling: {@code cpu} or {@code /disk.* /}. */
  @Override
  public String toString() {
    return isRegex() ? "/" + regex.pattern() + "/" : name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MeasurementMatcher m
        && toString().equals(m.toString())
        && isRegex() == m.isRegex();
  }

  @Override
  public int hashCode() {
    return Objects.hash(toString(), isRegex());
  }
}
