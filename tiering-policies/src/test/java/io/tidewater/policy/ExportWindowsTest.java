package io.tidewater.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Named.named;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExportWindowsTest {

  private static Instant t(String s) {
    return Instant.parse(s);
  }

  private static Window w(String start, String end) {
    return new Window(t(start), t(end));
  }

  static Stream<Arguments> containing() {
    return Stream.of(
        case3(
            "1m window, mid-minute",
            "1m",
            "2025-01-15T10:07:31.5Z",
            w("2025-01-15T10:07:00Z", "2025-01-15T10:08:00Z")),
        case3(
            "1m window, exact start belongs to the window it starts",
            "1m",
            "2025-01-15T10:07:00Z",
            w("2025-01-15T10:07:00Z", "2025-01-15T10:08:00Z")),
        case3(
            "1m window, last nanosecond",
            "1m",
            "2025-01-15T10:07:59.999999999Z",
            w("2025-01-15T10:07:00Z", "2025-01-15T10:08:00Z")),
        case3(
            "1h window",
            "1h",
            "2025-01-15T10:59:59Z",
            w("2025-01-15T10:00:00Z", "2025-01-15T11:00:00Z")),
        case3(
            "1d window on a leap day",
            "1d",
            "2024-02-29T23:59:59.999Z",
            w("2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z")),
        case3(
            "1d window, day after a leap day",
            "1d",
            "2024-03-01T00:00:00Z",
            w("2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z")),
        case3(
            "6h window before the epoch",
            "6h",
            "1969-12-31T23:00:00Z",
            w("1969-12-31T18:00:00Z", "1970-01-01T00:00:00Z")),
        case3(
            "15m window at new year",
            "15m",
            "2024-12-31T23:59:59Z",
            w("2024-12-31T23:45:00Z", "2025-01-01T00:00:00Z")));
  }

  private static Arguments case3(String name, String window, String at, Window expected) {
    return Arguments.of(named(name, window), at, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("containing")
  void windowContainingAnInstant(String window, String at, Window expected) {
    assertEquals(
        expected, new ExportWindows(Durations.parse(window), Duration.ZERO).containing(t(at)));
  }

  static Stream<Arguments> due() {
    return Stream.of(
        Arguments.of(named("exactly at end + settle: due", "2025-01-15T10:05:00Z"), true),
        Arguments.of(
            named("a nanosecond before end + settle: not due", "2025-01-15T10:04:59.999999999Z"),
            false),
        Arguments.of(
            named("at the window's end, unsettled: not due", "2025-01-15T10:00:00Z"), false),
        Arguments.of(named("long after: due", "2025-03-01T00:00:00Z"), true),
        Arguments.of(named("inside the window: not due", "2025-01-15T09:30:00Z"), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("due")
  void aWindowIsDueOnceClosedAndSettled(String now, boolean due) {
    ExportWindows windows = new ExportWindows(Duration.ofHours(1), Duration.ofMinutes(5));
    Window w = w("2025-01-15T09:00:00Z", "2025-01-15T10:00:00Z");
    assertEquals(due, windows.isDue(w, t(now)));
    assertEquals(due, !windows.dueUntil(t(now)).isBefore(w.end()), "dueUntil agrees with isDue");
  }

  static Stream<Arguments> dueLists() {
    return Stream.of(
        Arguments.of(
            named("1h, settle 5m: the open window and the unsettled one are not due", "1h"),
            "5m",
            "2025-01-15T08:00:00Z",
            "2025-01-15T11:04:00Z",
            List.of(
                w("2025-01-15T08:00:00Z", "2025-01-15T09:00:00Z"),
                w("2025-01-15T09:00:00Z", "2025-01-15T10:00:00Z"))),
        Arguments.of(
            named("from inside a window starts at that window", "1h"),
            "0",
            "2025-01-15T08:30:00Z",
            "2025-01-15T10:00:00Z",
            List.of(
                w("2025-01-15T08:00:00Z", "2025-01-15T09:00:00Z"),
                w("2025-01-15T09:00:00Z", "2025-01-15T10:00:00Z"))),
        Arguments.of(
            named("1d across a leap day", "1d"),
            "1h",
            "2024-02-28T00:00:00Z",
            "2024-03-01T01:00:00Z",
            List.of(
                w("2024-02-28T00:00:00Z", "2024-02-29T00:00:00Z"),
                w("2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z"))),
        Arguments.of(
            named("1m, nothing due yet", "1m"),
            "30s",
            "2025-01-15T10:00:00Z",
            "2025-01-15T10:01:29Z",
            List.of()),
        Arguments.of(
            named("1m, the first one due", "1m"),
            "30s",
            "2025-01-15T10:00:00Z",
            "2025-01-15T10:01:30Z",
            List.of(w("2025-01-15T10:00:00Z", "2025-01-15T10:01:00Z"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dueLists")
  void dueWindowsFromAnInstant(
      String window, String settle, String from, String now, List<Window> expected) {
    ExportWindows windows = new ExportWindows(Durations.parse(window), Durations.parse(settle));
    assertEquals(expected, windows.due(t(from), t(now)).toList());
  }
}
