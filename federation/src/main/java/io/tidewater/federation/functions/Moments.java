package io.tidewater.federation.functions;

/**
 * Running count, means and co-moments of pairs {@code (y, x)}, updated one pair at a time in the
 * numerically stable way (Welford; Youngs and Cramer for the co-moment) and mergeable, so
 * correlation and regression keep their precision over millions of points with large offsets, where
 * sums of squares would cancel. PostgreSQL and DuckDB compute them the same way.
 */
public final class Moments {

  private long n;
  private double meanX;
  private double meanY;
  private double m2x;
  private double m2y;
  private double cxy;

  /** Adds one pair; the caller skips pairs with a missing value, as SQL's aggregates do. */
  public Moments add(double y, double x) {
    n++;
    double dx = x - meanX;
    double dy = y - meanY;
    meanX += dx / n;
    meanY += dy / n;
    m2x += dx * (x - meanX);
    m2y += dy * (y - meanY);
    cxy += dx * (y - meanY);
    return this;
  }

  /** This and {@code other} as if every pair had been added to one (Chan et al.). */
  public Moments merge(Moments other) {
    if (other.n == 0) {
      return this;
    }
    if (n == 0) {
      n = other.n;
      meanX = other.meanX;
      meanY = other.meanY;
      m2x = other.m2x;
      m2y = other.m2y;
      cxy = other.cxy;
      return this;
    }
    long total = n + other.n;
    double dx = other.meanX - meanX;
    double dy = other.meanY - meanY;
    double weight = (double) n * other.n / total;
    m2x += other.m2x + dx * dx * weight;
    m2y += other.m2y + dy * dy * weight;
    cxy += other.cxy + dx * dy * weight;
    meanX += dx * other.n / total;
    meanY += dy * other.n / total;
    n = total;
    return this;
  }

  public long count() {
    return n;
  }

  /** Pearson's correlation; null for fewer than two pairs or where x or y does not vary. */
  public Double corr() {
    return n < 2 || m2x == 0 || m2y == 0 ? null : cxy / Math.sqrt(m2x * m2y);
  }

  /** The least-squares slope of y over x; null where x does not vary. */
  public Double slope() {
    return n < 1 || m2x == 0 ? null : cxy / m2x;
  }

  /** The least-squares intercept of y over x; null where x does not vary. */
  public Double intercept() {
    Double slope = slope();
    return slope == null ? null : meanY - slope * meanX;
  }

  /**
   * The coefficient of determination: null where x does not vary, 1 where y does not (SQL:2003).
   */
  public Double r2() {
    if (n < 1 || m2x == 0) {
      return null;
    }
    if (m2y == 0) {
      return 1.0;
    }
    return cxy * cxy / (m2x * m2y);
  }

  /** The mean of x; null over no pairs. */
  public Double avgX() {
    return n == 0 ? null : meanX;
  }

  /** The mean of y; null over no pairs. */
  public Double avgY() {
    return n == 0 ? null : meanY;
  }

  /** The sum of products of deviations from the means; null over no pairs. */
  public Double sxy() {
    return n == 0 ? null : cxy;
  }
}
