package io.tidewater.federation.influxql;

/**
 * InfluxQL's duration literals in nanoseconds, read and written as InfluxDB reads and writes them
 * (influxdata/influxql, {@code ParseDuration} and {@code FormatDuration}): units {@code ns}, {@code
 * u} or {@code µ}, {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}, {@code w}, combined
 * ({@code 1h30m}), optionally negative.
 */
public final class InfluxDurations {

  private static final long US = 1_000L;
  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;
  private static final long M = 60 * S;
  private static final long H = 60 * M;
  private static final long D = 24 * H;
  private static final long W = 7 * D;

  private InfluxDurations() {}

  /** A duration that is not one; InfluxDB's message is {@code invalid duration}. */
  public static final class InvalidDuration extends IllegalArgumentException {
    InvalidDuration(String message) {
      super(message);
    }
  }

  /** The nanoseconds {@code s} stands for. */
  public static long parse(String s) {
    int[] a = s.codePoints().toArray();
    if (a.length < 2) {
      throw new InvalidDuration("invalid duration");
    }
    int i = 0;
    boolean negative = false;
    if (a[i] == '-') {
      negative = true;
      i++;
    }
    long total = 0;
    while (i < a.length) {
      int start = i;
      while (i < a.length && Scanner.isDigit(a[i])) {
        i++;
      }
      if (i >= a.length || i == start) {
        throw new InvalidDuration("invalid duration");
      }
      long n;
      try {
        n = Long.parseLong(new String(a, start, i - start));
      } catch (NumberFormatException e) {
        throw new InvalidDuration("invalid duration");
      }
      long unit;
      String unitText = new String(Character.toChars(a[i]));
      boolean twoLetters = i + 1 < a.length && a[i + 1] == 's';
      switch (a[i]) {
        case 'n' -> {
          if (!twoLetters) {
            throw new InvalidDuration("invalid duration");
          }
          unit = 1;
          unitText = "ns";
        }
        case 'u', 'µ' -> unit = US;
        case 'm' -> {
          unit = twoLetters ? MS : M;
          unitText = twoLetters ? "ms" : "m";
        }
        case 's' -> unit = S;
        case 'h' -> unit = H;
        case 'd' -> unit = D;
        case 'w' -> unit = W;
        default -> throw new InvalidDuration("invalid duration");
      }
      i += unitText.length();
      try {
        total = Math.addExact(total, Math.multiplyExact(n, unit));
      } catch (ArithmeticException e) {
        throw new InvalidDuration(
            "overflowed duration " + n + unitText + ": choose a smaller duration or INF");
      }
    }
    return negative ? -total : total;
  }

  /** {@code nanos} in the largest unit that divides it ({@code 0s}, {@code 2w}, {@code 90m}). */
  public static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    long[] units = {W, D, H, M, S, MS, US};
    String[] names = {"w", "d", "h", "m", "s", "ms", "u"};
    for (int k = 0; k < units.length; k++) {
      if (nanos % units[k] == 0) {
        return nanos / units[k] + names[k];
      }
    }
    return nanos + "ns";
  }
}
