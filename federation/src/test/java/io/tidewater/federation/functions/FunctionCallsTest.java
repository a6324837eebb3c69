package io.tidewater.federation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class FunctionCallsTest {

  @Test
  void callsInAnyCaseBecomeQuotedNames() {
    assertEquals(
        "SELECT \"CORR\"(a, b), \"REGR_SLOPE\" (a, b), \"MEDIAN\"(x) FROM t",
        FunctionCalls.quoteNames("SELECT corr(a, b), Regr_Slope (a, b), MEDIAN(x) FROM t"));
  }

  @Test
  void literalsIdentifiersCommentsAndNonCallsStayAsTheyAre() {
    String sql =
        "SELECT 'corr(a, b)', \"corr\", t.median(x), median FROM t -- corr(x)\n/* median(y) */ WHERE 'it''s corr(' = s";
    assertSame(sql, FunctionCalls.quoteNames(sql));
  }

  @Test
  void aCallAfterALiteralWithAnEscapedQuoteIsFound() {
    assertEquals(
        "SELECT 'a''b', \"BOOL_AND\"(x) FROM \"we\"\"ird\"",
        FunctionCalls.quoteNames("SELECT 'a''b', bool_and(x) FROM \"we\"\"ird\""));
  }

  @Test
  void momentsOfAnExactLine() {
    Moments m = new Moments();
    for (int x = 0; x < 10; x++) {
      m.add(2 * x + 1, x);
    }
    assertEquals(2.0, m.slope(), 1e-12);
    assertEquals(1.0, m.intercept(), 1e-12);
    assertEquals(1.0, m.r2(), 1e-12);
    assertEquals(1.0, m.corr(), 1e-12);
  }

  @Test
  void momentsKeepPrecisionFarFromZeroAndMergeExactly() {
    // Sums of squares would cancel at this offset; the running co-moments do not.
    Moments whole = new Moments();
    Moments a = new Moments();
    Moments b = new Moments();
    for (int i = 0; i < 1000; i++) {
      double x = 1e9 + i;
      double y = 1e9 + 3 * i + (i % 2 == 0 ? 0.5 : -0.5);
      whole.add(y, x);
      (i < 300 ? a : b).add(y, x);
    }
    a.merge(b);
    // The alternating noise tilts the line by exactly cov(i, e) / var(i) = -0.25 / 83333.25.
    assertEquals(3.0 - 0.25 / 83333.25, whole.slope(), 1e-10);
    assertEquals(whole.slope(), a.slope(), 1e-9);
    assertEquals(whole.corr(), a.corr(), 1e-12);
    assertEquals(whole.count(), a.count());
  }

  @Test
  void constantXHasNoSlopeOrCorrelationAndConstantYIsFullyDetermined() {
    Moments flatX = new Moments();
    Moments flatY = new Moments();
    for (int i = 0; i < 5; i++) {
      flatX.add(i, 7);
      flatY.add(7, i);
    }
    assertNull(flatX.slope());
    assertNull(flatX.corr());
    assertNull(flatX.r2());
    assertEquals(0.0, flatY.slope());
    assertNull(flatY.corr());
    assertEquals(1.0, flatY.r2());
  }
}
