package io.tidewater.gateway;

/** Line protocol for the gateway's tests. */
final class TestPoints {

  private TestPoints() {}

  /** {@code n} points of {@code cpu,host=h v=<i>}, one a minute from {@code startSecond}. */
  static String cpuEveryMinute(long startSecond, int n) {
    StringBuilder lp = new StringBuilder();
    for (int i = 0; i < n; i++) {
      lp.append("cpu,host=h v=")
          .append(i)
          .append(' ')
          .append((startSecond + 60L * i) * 1_000_000_000L)
          .append('\n');
    }
    return lp.toString();
  }
}
