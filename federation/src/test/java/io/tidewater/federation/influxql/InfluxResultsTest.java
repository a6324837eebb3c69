package io.tidewater.federation.influxql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Answers written as InfluxDB writes them: the same series built by hand and asked of a real
 * influxd must give the same bytes, for every epoch and for floats of every form.
 */
class InfluxResultsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @ParameterizedTest(name = "epoch={0}")
  @ValueSource(strings = {"", "ns", "u", "ms", "s", "m", "h"})
  void theSameBytesAsInfluxDb(String epoch) throws Exception {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("json");
    long t0 = 1_735_689_600_000_000_000L; // 2025-01-01T00:00:00Z
    long t1 = t0 + 500_000_000L + 120 * 60_000_000_000L; // 02:00:00.5
    influx.write(
        db,
        "m,host=b,dc=x f=2,g=0.1,h=1e21,k=1.5e-7,i=7i,s=\"a \\\"q\\\"\",ok=true "
            + t0
            + "\nm,host=a,dc=y f=-3.25,g=123456789.125,h=-1e-7,k=1e-6,i=-8i,s=\"\",ok=false "
            + t1
            + "\n");
    String q = "SELECT * FROM m GROUP BY host";
    String truth =
        HTTP.send(
                HttpRequest.newBuilder(
                        URI.create(
                            influx.url()
                                + "/query?db="
                                + db
                                + (epoch.isEmpty() ? "" : "&epoch=" + epoch)
                                + "&q="
                                + URLEncoder.encode(q, StandardCharsets.UTF_8)))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body()
            .trim();
    List<String> columns = List.of("time", "dc", "f", "g", "h", "i", "k", "ok", "s");
    InfluxResults.Series a =
        new InfluxResults.Series(
            "m",
            new TreeMap<>(Map.of("host", "a")),
            columns,
            List.of(row(instant(t1), "y", -3.25, 123456789.125, -1e-7, -8L, 1e-6, false, "")),
            false);
    InfluxResults.Series b =
        new InfluxResults.Series(
            "m",
            new TreeMap<>(Map.of("host", "b")),
            columns,
            List.of(row(instant(t0), "x", 2.0, 0.1, 1e21, 7L, 1.5e-7, true, "a \"q\"")),
            false);
    StringWriter out = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      InfluxResults.write(g, List.of(InfluxResults.Result.of(0, List.of(a, b))), Epoch.of(epoch));
    }
    assertEquals(truth, out.toString());
  }

  @Test
  void anErrorAndAnEmptyResultAsInfluxDbWritesThem() throws Exception {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      InfluxResults.write(
          g,
          List.of(
              InfluxResults.Result.of(0, List.of()),
              InfluxResults.Result.failed(1, "database not found: nope")),
          Epoch.RFC3339);
    }
    assertEquals(
        "{\"results\":[{\"statement_id\":0},"
            + "{\"statement_id\":1,\"error\":\"database not found: nope\"}]}",
        out.toString());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "2.0, 2",
    "0.1, 0.1",
    "1e21, 1e+21",
    "1.5e-7, 1.5e-7",
    "-1e-7, -1e-7",
    "1e-6, 0.000001",
    "123456789.125, 123456789.125",
    "1e20, 100000000000000000000",
    "1.7976931348623157e308, 1.7976931348623157e+308",
    "5e-324, 5e-324",
    "5.684341886080802e-14, 5.684341886080802e-14",
    "0.3, 0.3",
    "100, 100",
  })
  void floatsAsGoWritesThem(double value, String text) {
    assertEquals(text, GoFloats.format(value));
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(0, nanos);
  }

  private static List<Object> row(Object... values) {
    return new ArrayList<>(Arrays.asList(values));
  }
}
