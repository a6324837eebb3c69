package io.tidewater.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1} s, formatted {2}")
  @CsvSource({
    "30s, 30, 30s",
    "5m, 300, 5m",
    "1h30m, 5400, 1h30m",
    "90d, 7776000, 90d",
    "2w, 1209600, 14d",
    "1y, 31536000, 365d",
    "0, 0, 0s",
  })
  void parsesAndFormats(String text, long seconds, String formatted) {
    Duration d = Durations.parse(text);
    assertEquals(Duration.ofSeconds(seconds), d);
    assertEquals(formatted, Durations.format(d));
  }

  @ParameterizedTest(name = "''{0}'' is rejected")
  @CsvSource({"1 hour", "h", "1.5h", "1H", "-1h", "1mo", "''"})
  void rejectsWhatIsNotADuration(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertEquals("'" + text + "' is not a duration; use " + Durations.SYNTAX, e.getMessage());
  }

  @ParameterizedTest(name = "floor({0}, {1}) = {2}")
  @CsvSource({
    "2024-02-29T13:45:12.5Z, 1d, 2024-02-29T00:00:00Z",
    "2024-02-29T13:45:12.5Z, 1h, 2024-02-29T13:00:00Z",
    "2024-02-29T13:45:00Z, 15m, 2024-02-29T13:45:00Z",
    "1969-12-31T23:59:59.999999999Z, 1s, 1969-12-31T23:59:59Z",
    "2262-04-11T23:47:16.854775807Z, 1d, 2262-04-11T00:00:00Z",
    "1969-12-31T23:30:00.5Z, 1h, 1969-12-31T23:00:00Z",
    "1677-09-21T00:12:43.145224192Z, 1d, 1677-09-21T00:00:00Z",
  })
  void floorsToTheEpochGrid(String t, String unit, String expected) {
    assertEquals(Instant.parse(expected), Durations.floor(Instant.parse(t), Durations.parse(unit)));
  }

  @ParameterizedTest(name = "floor({0}, {1} ms) = {2}")
  @CsvSource({
    "2024-02-29T13:45:12.345678Z, 100, 2024-02-29T13:45:12.3Z",
    "2024-02-29T13:45:12.345678Z, 1500, 2024-02-29T13:45:12Z",
    "1969-12-31T23:59:59.9Z, 1500, 1969-12-31T23:59:58.5Z",
    "1969-12-31T23:59:59.9Z, 2000, 1969-12-31T23:59:58Z",
  })
  void floorsToGridsOfMilliseconds(String t, long unitMillis, String expected) {
    assertEquals(
        Instant.parse(expected), Durations.floor(Instant.parse(t), Duration.ofMillis(unitMillis)));
  }

  @ParameterizedTest(name = "lcm({0}, {1}) = {2}")
  @CsvSource({"1h, 1m, 1h", "5m, 3m, 15m", "1d, 1h, 1d", "40m, 1h, 2h"})
  void leastCommonMultiple(String a, String b, String lcm) {
    assertEquals(Durations.parse(lcm), Durations.lcm(Durations.parse(a), Durations.parse(b)));
  }
}
