package io.tidewater.federation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mode() as InfluxDB's reducer picks it, and the ties it cannot be sure of refused. */
class InfluxModeTest {

  private static Object mode(List<?> values) {
    InfluxMode.Counts c = new InfluxMode.Counts();
    values.forEach(c::add);
    return c.mode();
  }

  @Test
  void theMostFrequentValue() {
    assertEquals(7.0, mode(List.of(3.0, 7.0, 1.0, 7.0, 3.0, 7.0)));
    assertEquals("b", mode(List.of("a", "b", "b", "c")));
  }

  @Test
  void everyValueOnceIsTheLeast() {
    // A run of one point never takes the lead from the first (least) value.
    assertEquals(-2L, mode(List.of(5L, -2L, 9L)));
    assertEquals("A", mode(List.of("b", "a", "A")));
  }

  @Test
  void equallyMostFrequentValuesAreRefused() {
    TidewaterException e =
        assertThrows(TidewaterException.class, () -> mode(List.of(1.0, 2.0, 2.0, 1.0, 3.0)));
    assertEquals(ErrorCode.UNSUPPORTED, e.code());
    assertTrue(e.getMessage().contains("equally most frequent"), e.getMessage());
  }

  @Test
  void mergedCountsAddUp() {
    InfluxMode.Counts a = new InfluxMode.Counts().add(1L).add(2L);
    InfluxMode.Counts b = new InfluxMode.Counts().add(2L).add(3L);
    assertEquals(2L, a.merge(b).mode());
  }
}
