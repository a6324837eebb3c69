package io.tidewater.federation.influxql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations against the cases of InfluxDB's own parser tests (TestParseDuration, format). */
class InfluxDurationsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "10ns, 10",
    "10u, 10000",
    "10µ, 10000",
    "15ms, 15000000",
    "100s, 100000000000",
    "2m, 120000000000",
    "2h, 7200000000000",
    "2d, 172800000000000",
    "2w, 1209600000000000",
    "1h30m, 5400000000000",
    "30ms3000u, 33000000",
    "-5s, -5000000000",
    "-5m30s, -330000000000",
  })
  void parses(String text, long nanos) {
    assertEquals(nanos, InfluxDurations.parse(text));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "3", "1000", "w", "ms", "1.2w", "10x", "10n"})
  void refuses(String text) {
    var e = assertThrows(InfluxDurations.InvalidDuration.class, () -> InfluxDurations.parse(text));
    assertEquals("invalid duration", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"9223372036854775807s", "106752d"})
  void overflowsAreNamed(String text) {
    var e = assertThrows(InfluxDurations.InvalidDuration.class, () -> InfluxDurations.parse(text));
    assertEquals(true, e.getMessage().startsWith("overflowed duration "), e.getMessage());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource({
    "0, 0s",
    "3, 3ns",
    "1000, 1u",
    "1001, 1001ns",
    "15000000, 15ms",
    "100000000000, 100s",
    "120000000000, 2m",
    "7200000000000, 2h",
    "172800000000000, 2d",
    "1209600000000000, 2w",
  })
  void formats(long nanos, String text) {
    assertEquals(text, InfluxDurations.format(nanos));
  }
}
