package io.tidewater.federation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewater.testing.InfluxServer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GROUP BY time windows in a tz() across daylight-saving changes, against a real InfluxDB: points
 * every 10 minutes around each change are counted per window by InfluxDB and by {@link
 * InfluxWindow#window}; the windows InfluxDB's fill(0) lists are those {@link InfluxWindow.Walk}
 * walks through.
 */
class InfluxWindowTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STEP = Duration.ofMinutes(10);
  private static final List<Instant> POINTS = new ArrayList<>();
  private static InfluxServer influx;
  private static String database;

  @BeforeAll
  static void start() {
    influx = InfluxServer.start();
    database = influx.newDatabase("tz");
    // Around changes in Europe/Paris, America/New_York, Australia/Lord_Howe (30 minutes) and none
    // in Asia/Kolkata (+05:30).
    for (String day :
        List.of(
            "2025-03-07", "2025-03-28", "2025-04-04", "2025-10-03", "2025-10-24", "2025-10-31")) {
      Instant from = Instant.parse(day + "T00:00:00Z");
      for (Instant t = from; t.isBefore(from.plus(Duration.ofDays(4))); t = t.plus(STEP)) {
        POINTS.add(t);
      }
    }
    StringBuilder lines = new StringBuilder();
    for (Instant t : POINTS) {
      lines.append("m v=1 ").append(nanos(t)).append('\n');
    }
    influx.write(database, lines.toString());
  }

  @AfterAll
  static void stop() {
    influx.close();
  }

  @ParameterizedTest(name = "{0} {1} offset {2} from {3}")
  @CsvSource({
    "Europe/Paris, 1d, 0, 2025-03-28",
    "Europe/Paris, 1h, 0, 2025-03-29",
    "Europe/Paris, 2h, 0, 2025-03-29",
    "Europe/Paris, 1d, 0, 2025-10-24",
    "Europe/Paris, 1h, 0, 2025-10-25",
    "Europe/Paris, 6h, 1h, 2025-10-24",
    "America/New_York, 1d, 0, 2025-03-07",
    "America/New_York, 12h, 0, 2025-10-31",
    "America/New_York, 30m, 0, 2025-11-02",
    "Australia/Lord_Howe, 1d, 0, 2025-04-04",
    "Australia/Lord_Howe, 1h, 0, 2025-10-03",
    "Asia/Kolkata, 1h, 0, 2025-03-28",
    "Asia/Kolkata, 1d, 2h, 2025-03-28",
  })
  void windowsAsInfluxDb(String zoneName, String interval, String offset, String from)
      throws Exception {
    ZoneId zone = ZoneId.of(zoneName);
    long width = duration(interval);
    long shift = duration(offset);
    Instant start = Instant.parse(from + "T00:00:00Z").plus(Duration.ofMinutes(7));
    Instant end = start.plus(Duration.ofDays(3));
    String q =
        "SELECT count(v) FROM m WHERE time >= "
            + nanos(start)
            + " AND time < "
            + nanos(end)
            + " GROUP BY time("
            + interval
            + (shift == 0 ? "" : ", " + offset)
            + ") fill(0) tz('"
            + zoneName
            + "')";
    Map<Long, Long> truth = new TreeMap<>();
    for (JsonNode row : JSON.readTree(influx.query(database, q)).at("/results/0/series/0/values")) {
      truth.put(row.get(0).asLong(), row.get(1).asLong());
    }
    assertTrue(truth.size() >= 3, q + ": " + truth);

    Map<Long, Long> ours = new TreeMap<>();
    long first = InfluxWindow.window(nanos(start), width, shift, zone)[0];
    long last = InfluxWindow.window(nanos(end) - 1, width, shift, zone)[0];
    InfluxWindow.Walk walk = new InfluxWindow.Walk(first, width, zone);
    for (long b = walk.next(); b <= last; b = walk.next()) {
      ours.put(b, 0L);
    }
    for (Instant t : POINTS) {
      if (!t.isBefore(start) && t.isBefore(end)) {
        ours.merge(InfluxWindow.window(nanos(t), width, shift, zone)[0], 1L, Long::sum);
      }
    }
    assertEquals(truth, ours, q);
  }

  private static long duration(String s) {
    if (s.equals("0")) {
      return 0;
    }
    long n = Long.parseLong(s.substring(0, s.length() - 1));
    return switch (s.charAt(s.length() - 1)) {
      case 'm' -> Duration.ofMinutes(n).toNanos();
      case 'h' -> Duration.ofHours(n).toNanos();
      case 'd' -> Duration.ofDays(n).toNanos();
      default -> throw new IllegalArgumentException(s);
    };
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
