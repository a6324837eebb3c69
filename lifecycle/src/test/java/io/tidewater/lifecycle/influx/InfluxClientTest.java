package io.tidewater.lifecycle.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.tidewater.error.ErrorCode;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.SchemaConflictException;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.policy.rollup.FieldType;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InfluxClientTest {

  static final String NASTY_MEASUREMENT = "cpu \"load\", it's; DROP DATABASE x";
  static final String NASTY_TAG = "host name=\"x\"";
  static final String NASTY_FIELD = "usage, \"user\"";

  private final InfluxServer influx = TestServers.influx();
  private final InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));

  @Test
  void consecutiveWindowsReadInOneQueryEqualEachWindowReadAlone() {
    String db = influx.newDatabase("windows");
    long t0 = 1_700_000_000_000_000_000L;
    long second = 1_000_000_000L;
    StringBuilder lp = new StringBuilder();
    // Two series, a point every 700 ms for 10 s, points exactly on the window bounds included; the
    // first window empty for host b.
    for (String host : List.of("a", "b")) {
      for (long t = host.equals("a") ? 0 : 3 * second; t < 10 * second; t += 700_000_000L) {
        lp.append("cpu,host=")
            .append(host)
            .append(" v=")
            .append(t)
            .append("i ")
            .append(t0 + t)
            .append('\n');
      }
      lp.append("cpu,host=").append(host).append(" v=-1i ").append(t0 + 6 * second).append('\n');
    }
    influx.write(db, lp.toString());
    MeasurementSchema schema = client.schema(db, Optional.empty(), "cpu");
    long[] bounds = {t0, t0 + 3 * second, t0 + 6 * second, t0 + 10 * second};
    SeriesRows[] together = {
      new SeriesRows(schema), new SeriesRows(schema), new SeriesRows(schema)
    };
    long[] counts = client.readWindows(db, Optional.empty(), bounds, together, Long.MAX_VALUE);
    long total = 0;
    for (int k = 0; k < 3; k++) {
      SeriesRows alone = new SeriesRows(schema);
      assertEquals(
          client.readWindow(db, Optional.empty(), bounds[k], bounds[k + 1], alone),
          counts[k],
          "window " + k);
      assertEquals(lines(alone), lines(together[k]), "window " + k);
      assertTrue(counts[k] > 0);
      total += counts[k];
    }
    assertEquals(lp.toString().lines().count(), total, "every point in exactly one window");
    InfluxException tooMany =
        assertThrows(
            InfluxException.class,
            () ->
                client.readWindows(
                    db,
                    Optional.empty(),
                    bounds,
                    new SeriesRows[] {
                      new SeriesRows(schema), new SeriesRows(schema), new SeriesRows(schema)
                    },
                    10));
    assertTrue(tooMany.getMessage().contains("more than 10 rows"), tooMany.getMessage());
  }

  private static List<String> lines(SeriesRows rows) {
    List<String> out = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      out.add(rows.tagValueAt(0, r) + "|" + rows.timeNanos(r) + "|" + rows.longValue(0, r));
    }
    return out.stream().sorted().toList();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(InfluxConnection.AnswerFormat.class)
  void adversarialNamesAndValuesRoundTrip(InfluxConnection.AnswerFormat format) {
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()).withFormat(format));
    String db = influx.newDatabase("client");
    String[] hosts = {
      "plain",
      "with space",
      "comma,inside",
      "quote'single",
      "quote\"double",
      "équipe-日本",
      "back\\slash",
      "eq=uals"
    };
    StringBuilder lp = new StringBuilder();
    for (int h = 0; h < hosts.length; h++) {
      for (int i = 0; i < 5; i++) {
        lp.append(LineProtocol.measurement(NASTY_MEASUREMENT))
            .append(',')
            .append(LineProtocol.key(NASTY_TAG))
            .append('=')
            .append(LineProtocol.key(hosts[h]))
            .append(' ')
            .append(LineProtocol.key(NASTY_FIELD))
            .append('=')
            .append(i)
            .append(".0,")
            .append("n=")
            .append(h * 100 + i)
            .append("i,")
            .append("ok=")
            .append(i % 2 == 0)
            .append(',')
            .append("note=")
            .append(LineProtocol.string("say \"" + hosts[h] + "\"\\"))
            .append(' ')
            .append(1_700_000_000_000_000_000L + i * 1_000_000_001L)
            .append('\n');
      }
    }
    influx.write(db, lp.toString());

    MeasurementSchema schema = client.schema(db, Optional.empty(), NASTY_MEASUREMENT);
    assertEquals(
        new MeasurementSchema(
            NASTY_MEASUREMENT,
            List.of(NASTY_TAG),
            List.of(
                new FieldColumn(NASTY_FIELD, FieldType.FLOAT),
                    new FieldColumn("n", FieldType.INTEGER),
                new FieldColumn("ok", FieldType.BOOLEAN),
                    new FieldColumn("note", FieldType.STRING))),
        schema);
    assertEquals(List.of(NASTY_MEASUREMENT), client.measurements(db));

    SeriesRows rows = new SeriesRows(schema);
    long read =
        client.readWindow(
            db, Optional.empty(), 1_700_000_000_000_000_000L, 1_700_000_003_000_000_000L, rows);
    assertEquals(hosts.length * 3L, read, "three points per series fall in the window");
    List<String> got = new ArrayList<>();
    int usage = schema.fieldIndex(NASTY_FIELD);
    for (int r = 0; r < rows.size(); r++) {
      got.add(rows.tagValueAt(0, r) + "|" + rows.timeNanos(r) + "|" + rows.doubleValue(usage, r));
    }
    List<String> expected = new ArrayList<>();
    for (String h : hosts) {
      for (int i = 0; i < 3; i++) {
        expected.add(
            h + "|" + (1_700_000_000_000_000_000L + i * 1_000_000_001L) + "|" + (double) i);
      }
    }
    assertEquals(expected.stream().sorted().toList(), got.stream().sorted().toList());
    assertEquals(
        Optional.of(1_700_000_000_000_000_000L),
        client.earliestTime(db, Optional.empty(), NASTY_MEASUREMENT));
    assertEquals(
        List.of(NASTY_MEASUREMENT),
        client.measurements(db),
        "the database survived the nasty name");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(InfluxConnection.AnswerFormat.class)
  void statementErrorsInsideA200AreRaised(InfluxConnection.AnswerFormat format) {
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()).withFormat(format));
    InfluxException e =
        assertThrows(
            InfluxException.class, () -> client.rows("no_such_db_here", "SELECT * FROM m"));
    assertTrue(e.getMessage().contains("database not found: no_such_db_here"), e.getMessage());
    assertEquals(ErrorCode.INFLUXDB_UNAVAILABLE, e.code(), "InfluxDB's state, not the statement");
    String db = influx.newDatabase("client");
    // A statement InfluxDB cannot parse (400) or compile (an error inside a 200) is the gateway's
    // own bug, never reported as InfluxDB being unavailable.
    InfluxException syntax = assertThrows(InfluxException.class, () -> client.rows(db, "SELEKT 1"));
    assertTrue(syntax.getMessage().contains("error parsing query"), syntax.getMessage());
    assertEquals(ErrorCode.INTERNAL, syntax.code(), syntax.getMessage());
    InfluxException empty =
        assertThrows(
            InfluxException.class, () -> client.rows(db, "SELECT  FROM m GROUP BY time(1h)"));
    assertEquals(ErrorCode.INTERNAL, empty.code(), empty.getMessage());
    influx.write(db, "m,host=a v=1 1700000000000000000");
    InfluxException mixed =
        assertThrows(InfluxException.class, () -> client.rows(db, "SELECT v, count(v) FROM m"));
    assertTrue(
        mixed.getMessage().contains("mixing aggregate and non-aggregate"), mixed.getMessage());
    assertEquals(ErrorCode.INTERNAL, mixed.code(), mixed.getMessage());
  }

  @Test
  void influxDbAnswersInTheFormatAskedFor() throws Exception {
    for (InfluxConnection.AnswerFormat format : InfluxConnection.AnswerFormat.values()) {
      var response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(influx.url().resolve("/query?q=SHOW%20DATABASES"))
                      .header("Accept", format.accept())
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      assertEquals(
          format == InfluxConnection.AnswerFormat.MSGPACK
              ? "application/x-msgpack"
              : "application/json",
          response.headers().firstValue("Content-Type").orElse(""),
          format.name());
    }
  }

  @Test
  void anUnreachableInfluxDbIsNamed() {
    InfluxClient nowhere = new InfluxClient(InfluxConnection.of(URI.create("http://127.0.0.1:9")));
    InfluxException e = assertThrows(InfluxException.class, () -> nowhere.measurements("x"));
    assertTrue(
        e.getMessage().startsWith("InfluxDB at http://127.0.0.1:9 is unreachable"), e.getMessage());
  }

  @Test
  void aFieldTypedDifferentlyInTwoShardsIsANamedError() {
    String db = influx.newDatabase("client");
    // Shard groups are 7 days by default: these points land in different shards.
    influx.write(db, "m v=1.5 1600000000000000000\nm v=2i 1700000000000000000\n");
    SchemaConflictException e =
        assertThrows(SchemaConflictException.class, () -> client.schema(db, Optional.empty(), "m"));
    assertTrue(
        e.getMessage()
            .startsWith("field 'v' of " + db + ".m is float in some shards and integer in others"),
        e.getMessage());
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(InfluxConnection.AnswerFormat.class)
  void floatsWrittenWithoutADecimalPointStayFloats(InfluxConnection.AnswerFormat format) {
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()).withFormat(format));
    String db = influx.newDatabase("client");
    influx.write(db, "m,h=a v=2.0 1000000000\n");
    MeasurementSchema schema = client.schema(db, Optional.empty(), "m");
    SeriesRows rows = new SeriesRows(schema);
    client.readWindow(db, Optional.empty(), 0, 2_000_000_000L, rows);
    assertEquals(2.0, rows.doubleValue(0, 0));
  }

  /**
   * An answer that arrived but cannot be decoded is InfluxDB's error, not an outage (callers back
   * off from an unanswering InfluxDB); one cut off mid-way is an outage. No influxd sends such
   * answers, so a loopback endpoint stands in for it.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(InfluxConnection.AnswerFormat.class)
  void anUnreadableAnswerIsAnErrorAndACutOffOneAnOutage(InfluxConnection.AnswerFormat format)
      throws Exception {
    boolean msgpack = format == InfluxConnection.AnswerFormat.MSGPACK;
    // MessagePack: a byte no format uses, and a number where the answer's map belongs.
    List<byte[]> unreadable =
        msgpack
            ? List.of(new byte[] {(byte) 0xc1, 1, 2}, new byte[] {0x01})
            : List.of("{\"results\": [}".getBytes(), "[1]".getBytes());
    byte[] cutOff =
        msgpack
            ? new byte[] {(byte) 0x81, (byte) 0xa7, 'r', 'e', 's'}
            : "{\"results\": [{\"statement_id\"".getBytes();
    List<byte[]> bodies = new ArrayList<>(unreadable);
    bodies.add(cutOff);
    for (byte[] body : bodies) {
      boolean whole = body != cutOff;
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/query",
          exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange
                .getResponseHeaders()
                .add("Content-Type", msgpack ? "application/x-msgpack" : "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
      try {
        InfluxClient odd =
            new InfluxClient(
                InfluxConnection.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                    .withFormat(format));
        InfluxException e =
            assertThrows(InfluxException.class, () -> odd.rows("db", "SELECT * FROM m"));
        assertEquals(!whole, e.unanswered(), e.getMessage());
        assertTrue(
            e.getMessage().contains(whole ? "could not be read" : "was cut off"), e.getMessage());
      } finally {
        server.stop(0);
      }
    }
  }
}
