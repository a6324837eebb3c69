package io.tidewater.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A policy's export windows: epoch-aligned UTC intervals of one length that divides a day. A window
 * is due for export once it has closed and the settle delay has passed.
 */
public record ExportWindows(Duration length, Duration settle) {

  public ExportWindows {
    Objects.requireNonNull(length, "length");
    Objects.requireNonNull(settle, "settle");
    if (length.isZero() || length.isNegative() || settle.isNegative()) {
      throw new IllegalArgumentException("window must be positive and settle not negative");
    }
  }

  /** The window holding {@code t}. */
  public Window containing(Instant t) {
    Instant start = Durations.floor(t, length);
    return new Window(start, start.plus(length));
  }

  /** Whether {@code w} has closed and settled at {@code now}: {@code w.end + settle <= now}. */
  public boolean isDue(Window w, Instant now) {
    return !w.end().plus(settle).isAfter(now);
  }

  /** Windows ending at or before this instant are due at {@code now}; later ones are not. */
  public Instant dueUntil(Instant now) {
    return Durations.floor(now.minus(settle), length);
  }

  /**
   * The windows that cover {@code [from, to)}, in order (the first may start before {@code from}).
   */
  public Stream<Window> covering(Instant from, Instant to) {
    if (!from.isBefore(to)) {
      return Stream.empty();
    }
    Instant first = Durations.floor(from, length);
    return Stream.iterate(first, start -> start.isBefore(to), start -> start.plus(length))
        .map(start -> new Window(start, start.plus(length)));
  }

  /**
   * The due windows covering {@code [from, now)}: every window from {@code from}'s on that is due.
   */
  public Stream<Window> due(Instant from, Instant now) {
    return covering(from, dueUntil(now));
  }
}
