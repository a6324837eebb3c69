package io.tidewater.federation.influxql;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Floats as Go's {@code encoding/json} writes them, and so as InfluxDB's answers carry them: the
 * shortest digits, plain between 1e-6 and 1e21 ({@code 2}, not {@code 2.0}; {@code 0.1}), else
 * exponent form with at least one exponent digit after the sign ({@code 1e+21}, {@code 1.5e-7}).
 */
final class GoFloats {

  private GoFloats() {}

  /**
   * The shortest decimal that reads back as {@code f}, the closest of that length (as Go's
   * strconv). JDK 17's Double.toString is that except for some long or subnormal values
   * (JDK-4511638: 4.9E-324 for 5e-324), which are checked against the exact value.
   */
  static BigDecimal shortest(double f) {
    BigDecimal candidate = new BigDecimal(Double.toString(f)).stripTrailingZeros();
    if (candidate.precision() < 16 && Math.abs(f) >= Double.MIN_NORMAL) {
      return candidate;
    }
    BigDecimal exact = new BigDecimal(f);
    BigDecimal best = readingBack(exact, candidate.precision(), f);
    if (best == null) {
      best = candidate;
    }
    // A shorter one exists only if the next shorter does (a longer one is then always found).
    for (int digits = best.precision() - 1; digits >= 1; digits--) {
      BigDecimal shorter = readingBack(exact, digits, f);
      if (shorter == null) {
        break;
      }
      best = shorter;
    }
    return best.stripTrailingZeros();
  }

  /**
   * The closest decimal of {@code digits} significant digits that reads back as {@code f}, or null.
   * Only the two neighbours of the exact value can be it: the interval that reads back as {@code f}
   * holds the exact value, and at powers of two it is wider above than below.
   */
  private static BigDecimal readingBack(BigDecimal exact, int digits, double f) {
    BigDecimal best = null;
    for (RoundingMode mode :
        new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.FLOOR, RoundingMode.CEILING}) {
      BigDecimal c = exact.round(new MathContext(digits, mode));
      if (c.doubleValue() == f
          && (best == null || c.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
        best = c;
      }
    }
    return best;
  }

  static String format(double f) {
    if (Double.isNaN(f) || Double.isInfinite(f)) {
      throw new IllegalArgumentException("JSON has no " + f);
    }
    if (f == 0) {
      return (1 / f < 0) ? "-0" : "0";
    }
    double abs = Math.abs(f);
    BigDecimal shortest = shortest(f);
    if (abs >= 1e-6 && abs < 1e21) {
      return shortest.toPlainString();
    }
    String digits = shortest.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - shortest.scale();
    StringBuilder s = new StringBuilder();
    if (f < 0) {
      s.append('-');
    }
    s.append(digits.charAt(0));
    if (digits.length() > 1) {
      s.append('.').append(digits, 1, digits.length());
    }
    s.append('e').append(exponent < 0 ? '-' : '+');
    // Go writes at least two exponent digits and encoding/json cuts the leading zero of a
    // negative one; a positive one is at least 21 here.
    s.append(Math.abs(exponent));
    return s.toString();
  }
}
