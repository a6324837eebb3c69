package io.tidewater.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A half-open time interval {@code [start, end)}: the unit of export and of the ledger. */
public record Window(Instant start, Instant end) implements Comparable<Window> {

  public Window {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException(
          "a window must end after it starts: " + start + " .. " + end);
    }
  }

  public Duration length() {
    return Duration.between(start, end);
  }

  public boolean contains(Instant t) {
    return !t.isBefore(start) && t.isBefore(end);
  }

  @Override
  public int compareTo(Window other) {
    int byStart = start.compareTo(other.start);
    return byStart != 0 ? byStart : end.compareTo(other.end);
  }

  @Override
  public String toString() {
    return "[" + start + ", " + end + ")";
  }
}
