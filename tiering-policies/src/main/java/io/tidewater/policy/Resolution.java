package io.tidewater.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * The time resolution of data in the lake: {@link #RAW} (every point) or a rollup bucket width. Its
 * {@link #name()} is what lake paths use ({@code res=raw}, {@code res=1m}).
 */
public record Resolution(Duration width) implements Comparable<Resolution> {

  public static final Resolution RAW = new Resolution(Duration.ZERO);

  public Resolution {
    Objects.requireNonNull(width, "width");
    if (width.isNegative()) {
      throw new IllegalArgumentException("a resolution cannot be negative: " + width);
    }
    if (!width.isZero() && !Durations.divides(width, Duration.ofDays(1))) {
      throw new IllegalArgumentException(
          "a rollup resolution must divide a day: " + Durations.format(width));
    }
  }

  /** A rollup resolution of the given width. */
  public static Resolution rollup(Duration width) {
    if (width.isZero()) {
      throw new IllegalArgumentException("a rollup resolution must be longer than zero");
    }
    return new Resolution(width);
  }

  /** The resolution named {@code raw} or by a width such as {@code 1m}. */
  public static Resolution parse(String name) {
    return name.equals("raw") ? RAW : rollup(Durations.parse(name));
  }

  public boolean isRaw() {
    return width.isZero();
  }

  /** {@code raw} or the width, e.g. {@code 1m}, {@code 1h}. */
  public String name() {
    return isRaw() ? "raw" : Durations.format(width);
  }

  /** Raw first, then finer before coarser. */
  @Override
  public int compareTo(Resolution other) {
    return width.compareTo(other.width);
  }

  @Override
  public String toString() {
    return name();
  }
}
