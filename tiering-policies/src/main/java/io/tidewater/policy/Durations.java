package io.tidewater.policy;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as policies spell them: whole numbers with units, InfluxDB style ({@code 90d}, {@code
 * 1h30m}). Units: s, m, h, d, w (7 days), y (365 days: ages are durations, not dates).
 */
public final class Durations {

  /** What a policy may write, for error messages. */
  public static final String SYNTAX =
      "a whole number with a unit s, m, h, d, w or y (e.g. 30s, 5m, 1h, 90d, 5y)";

  private static final Pattern PART = Pattern.compile("(\\d+)(s|m|h|d|w|y)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:s|m|h|d|w|y))+");

  private Durations() {}

  /** Parses a duration; {@code "0"} is zero. Throws IllegalArgumentException naming the syntax. */
  public static Duration parse(String text) {
    String s = text.strip();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (!WHOLE.matcher(s).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; use " + SYNTAX);
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(s);
    try {
      while (part.find()) {
        long n = Long.parseLong(part.group(1));
        total = total.plus(unit(part.group(2)).multipliedBy(n));
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    return total;
  }

  private static Duration unit(String unit) {
    return switch (unit) {
      case "s" -> Duration.ofSeconds(1);
      case "m" -> Duration.ofMinutes(1);
      case "h" -> Duration.ofHours(1);
      case "d" -> Duration.ofDays(1);
      case "w" -> Duration.ofDays(7);
      case "y" -> Duration.ofDays(365);
      default -> throw new IllegalArgumentException(unit);
    };
  }

  /**
   * The shortest spelling in d, h, m, s (e.g. {@code 1d}, {@code 1h30m}); sub-second parts as ms.
   */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder(d.isNegative() ? "-" : "");
    Duration rest = d.abs();
    long days = rest.toDays();
    rest = rest.minusDays(days);
    long hours = rest.toHours();
    rest = rest.minusHours(hours);
    long minutes = rest.toMinutes();
    rest = rest.minusMinutes(minutes);
    long seconds = rest.getSeconds();
    long millis = rest.minusSeconds(seconds).toMillis();
    append(out, days, "d");
    append(out, hours, "h");
    append(out, minutes, "m");
    append(out, seconds, "s");
    append(out, millis, "ms");
    return out.toString();
  }

  private static void append(StringBuilder out, long n, String unit) {
    if (n != 0) {
      out.append(n).append(unit);
    }
  }

  /** Whether {@code part} divides {@code whole} into a whole number of pieces. */
  public static boolean divides(Duration part, Duration whole) {
    return !part.isZero() && whole.toNanos() % part.toNanos() == 0;
  }

  /**
   * The latest instant at or before {@code t} that is a whole multiple of {@code unit} since the
   * epoch (UTC has no leap seconds in java.time, so days and hours align with the calendar).
   */
  public static Instant floor(Instant t, Duration unit) {
    if (unit.getNano() == 0 && unit.getSeconds() > 0) {
      // Whole seconds (every window and tier age in practice): the nanoseconds never move the
      // floor, and the seconds fit a long.
      long seconds = t.getEpochSecond();
      return Instant.ofEpochSecond(seconds - Math.floorMod(seconds, unit.getSeconds()));
    }
    BigInteger nanos = nanos(t);
    BigInteger u = BigInteger.valueOf(unit.toNanos());
    BigInteger floored = nanos.subtract(nanos.mod(u));
    BigInteger[] secondsAndNanos = floored.divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
    return Instant.ofEpochSecond(
        secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValueExact());
  }

  /** Whether {@code t} is a whole multiple of {@code unit} since the epoch. */
  public static boolean isAligned(Instant t, Duration unit) {
    return floor(t, unit).equals(t);
  }

  /** The least common multiple of two positive durations. */
  public static Duration lcm(Duration a, Duration b) {
    BigInteger x = BigInteger.valueOf(a.toNanos());
    BigInteger y = BigInteger.valueOf(b.toNanos());
    return Duration.ofNanos(x.divide(x.gcd(y)).multiply(y).longValueExact());
  }

  private static BigInteger nanos(Instant t) {
    return BigInteger.valueOf(t.getEpochSecond())
        .multiply(BigInteger.valueOf(1_000_000_000L))
        .add(BigInteger.valueOf(t.getNano()));
  }

  /** {@code t} as epoch nanoseconds (InfluxDB's and the lake's time unit). */
  public static long epochNanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  /** Epoch nanoseconds as an instant. */
  public static Instant fromEpochNanos(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
