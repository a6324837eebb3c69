package io.tidewater.lifecycle.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewater.lifecycle.cdc.LineProtocol.Precision;
import io.tidewater.lifecycle.influx.InfluxQl;
import io.tidewater.policy.rollup.FieldType;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Line protocol as InfluxDB reads it: escapes, every field type and precision, errors per line. */
class LineProtocolTest {

  private static LinePoint one(String line) {
    LineProtocol.Result r = LineProtocol.parse(line, Precision.NANOSECONDS, 42L);
    assertEquals(List.of(), r.errors(), line);
    assertEquals(1, r.points().size(), line);
    return r.points().get(0);
  }

  /** A field whose type differs from the one the lake holds is refused in InfluxDB's words. */
  @Test
  void fieldsConflictingWithTheLakesTypesAreRefused() {
    long now = 1_700_000_000_000_000_000L;
    String body = "cpu v=1 1\ncpu v=2i 2\nmem v=3i 3\ncpu v=4,w=\"x\" 4\n";
    LineProtocol.Stamps stamps =
        LineProtocol.stamps(
            body.getBytes(StandardCharsets.UTF_8),
            Precision.NANOSECONDS,
            now,
            Long.MAX_VALUE,
            m -> m.equals("cpu") ? Map.of("v", FieldType.FLOAT) : Map.of());
    assertEquals(3, stamps.points().size());
    assertEquals(1, stamps.errorCount());
    assertEquals(
        "partial write: field type conflict: input field \"v\" on measurement \"cpu\" is type"
            + " integer, already exists as type float dropped=1",
        stamps.errors().get(0).influxMessage());
    assertEquals(
        "cpu v=1 1\nmem v=3i 3\ncpu v=4,w=\"x\" 4\n",
        new String(stamps.accepted(), StandardCharsets.UTF_8));
  }

  /**
   * Points further ahead than the limit are refused per line; the accepted body holds exactly the
   * other lines, so parsing it later (replay, micro-batches) gives the points acknowledged.
   */
  @Test
  void farFuturePointsAreRefusedAndLeftOutOfTheAcceptedBody() {
    long now = 1_700_000_000_000_000_000L;
    long day = 86_400_000_000_000L;
    String body =
        "cpu,host=a v=1 "
            + now
            + "\ncpu,host=b v=2 "
            + (now + 8 * day)
            + "\ncpu,host=c v=3 "
            + (now + day)
            + "\ncpu,host=d v=4\n";
    LineProtocol.Stamps stamps =
        LineProtocol.stamps(
            body.getBytes(StandardCharsets.UTF_8), Precision.NANOSECONDS, now, now + 7 * day, null);
    assertEquals(3, stamps.points().size());
    assertEquals(1, stamps.errorCount());
    assertEquals(2, stamps.errors().get(0).line());
    assertTrue(
        stamps.errors().get(0).influxMessage().contains("tidewater.cdc.max-future"),
        stamps.errors().get(0).influxMessage());
    LineProtocol.Result again =
        LineProtocol.parse(stamps.accepted(), Precision.NANOSECONDS, now + 5 * day);
    assertEquals(0, again.errorCount());
    assertEquals(
        List.of("a", "c", "d"), again.points().stream().map(p -> p.tags().get("host")).toList());
    assertEquals(
        stamps.points().stream().map(LineProtocol.Stamp::timeNanos).toList(),
        List.of(now, now + day, now),
        "a point without a time gets the receive time");
    // Nothing refused: the body itself, not a copy.
    byte[] fine = "cpu v=1\n".getBytes(StandardCharsets.UTF_8);
    assertTrue(
        LineProtocol.stamps(fine, Precision.NANOSECONDS, now, now + day, null).accepted() == fine);
  }

  @Test
  void aBodyOfManyBadLinesKeepsTheFirstHundredAndCountsTheRest() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      body.append("cpu v=")
          .append(i)
          .append('\n')
          .append("cpu,host=a v=bad")
          .append(i)
          .append('\n');
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    LineProtocol.Stamps stamps = LineProtocol.stamps(bytes, LineProtocol.Precision.NANOSECONDS, 7);
    assertEquals(1000, stamps.points().size(), "the good lines are all kept");
    assertEquals(1000, stamps.errorCount());
    assertEquals(LineProtocol.KEPT_ERRORS, stamps.errors().size());
    assertEquals(2, stamps.errors().get(0).line());
    LineProtocol.Result parsed = LineProtocol.parse(bytes, LineProtocol.Precision.NANOSECONDS, 7);
    assertEquals(1000, parsed.errorCount());
    assertEquals(stamps.errors(), parsed.errors());
  }

  @Test
  void escapesTypesAndDefaults() {
    LinePoint p =
        one(
            "we\\ ird\\,m,ho\\=st=a\\ b\\,c,z=1 f=1.5,i=-3i,u=18446744073709551615u,s=\"say \\\"hi\\\" \\\\ ok\",b=t,B=FALSE 1700000000000000000");
    assertEquals("we ird,m", p.measurement());
    assertEquals(Map.of("ho=st", "a b,c", "z", "1"), p.tags());
    assertEquals(1.5, p.fields().get("f"));
    assertEquals(-3L, p.fields().get("i"));
    assertEquals(-1L, p.fields().get("u"));
    assertTrue(p.unsigned().contains("u"));
    assertEquals("say \"hi\" \\ ok", p.fields().get("s"));
    assertEquals(true, p.fields().get("b"));
    assertEquals(false, p.fields().get("B"));
    assertEquals(1_700_000_000_000_000_000L, p.timeNanos());
    assertEquals(42L, one("m v=1").timeNanos(), "no timestamp: the server's time");
    assertEquals(1.0, one("m v=1").fields().get("v"), "a bare number is a float");
    assertEquals(
        "a,b c=d",
        one("m s=\"a,b c=d\"").fields().get("s"),
        "commas, spaces and equals inside quotes");
    assertEquals(
        List.of("m", "n"),
        LineProtocol.parse("# comment\n\t m v=1\n\n  \nn v=2 5  \n", Precision.SECONDS, 0)
            .points()
            .stream()
            .map(LinePoint::measurement)
            .toList());
    // As InfluxDB (1.x and 2.x): a carriage return is part of the line, so CRLF lines are refused.
    assertEquals(
        List.of("bad timestamp", "invalid number '2\r' for field 'v'", "missing fields"),
        LineProtocol.parse("m v=1 5\r\nn v=2\r\n\r\n", Precision.SECONDS, 0).errors().stream()
            .map(LineProtocol.LineError::message)
            .toList());
  }

  @ParameterizedTest
  @CsvSource({
    "ns,1",
    "n,1",
    "us,1000",
    "u,1000",
    "ms,1000000",
    "s,1000000000",
    "m,60000000000",
    "h,3600000000000"
  })
  void precisions(String precision, long nanos) {
    assertEquals(
        7 * nanos,
        LineProtocol.parse("m v=1 7", Precision.of(precision), 0).points().get(0).timeNanos());
  }

  @Test
  void aBadLineIsReportedWithItsNumberAndTheOthersKept() {
    LineProtocol.Result r =
        LineProtocol.parse(
            "m v=1 1\nm v= 2\nm,t=a v=3 3\nm\nm v=\"open 4\nm v=1x 5\nm v=1 12x\n",
            Precision.NANOSECONDS,
            0);
    assertEquals(2, r.points().size());
    assertEquals(
        List.of(2, 4, 5, 6, 7), r.errors().stream().map(LineProtocol.LineError::line).toList());
    assertEquals(
        "unable to parse 'm v=1x 5': invalid number '1x' for field 'v'",
        r.errors().get(3).influxMessage());
  }

  /**
   * The write path's check keeps only measurement and time: it must accept and reject exactly the
   * lines the full parse does, with the same messages, on valid, escaped and malformed input.
   */
  @Test
  void stampsAgreeWithTheFullParse() {
    Random random = new Random(11);
    StringBuilder body = new StringBuilder("# comment\n\n  \r\n");
    for (int n = 0; n < 500; n++) {
      String m = random.nextInt(5) == 0 ? "m\\ x\\,y" : "m" + name(random);
      body.append(m);
      for (int t = 0; t < random.nextInt(3); t++) {
        body.append(",t").append(t).append(name(random)).append('=').append(name(random));
      }
      body.append(' ')
          .append(
              switch (random.nextInt(12)) {
                case 0 -> "v=1x";
                case 1 -> "v=NaN";
                case 2 -> "v=0x10";
                case 3 -> "v=1.5e3,w=-2E-2";
                case 4 -> "v=\"open";
                case 5 -> "v=";
                case 6 -> "v=1,v=2";
                case 7 -> "v=18446744073709551615u,s=\"a\\\" b\"";
                case 8 -> "v=Infinity";
                case 9 -> "v=1d";
                default -> "v=" + random.nextInt() + "i,b=t";
              });
      if (random.nextBoolean()) {
        body.append(' ')
            .append(random.nextInt(3) == 0 ? "12x" : String.valueOf(random.nextInt(1_000_000)));
      }
      body.append(random.nextInt(10) == 0 ? "\r\n" : "\n");
    }
    body.append(
            "m,t=a,t=b v=1\n,t=a v=1\nm,t= v=1\nm v=1 1.5\nm,t\\ x=a,t\\ x=b v=1\nm,t\\ x=a,t\\,x=b v=1\n")
        .append(
            "m v=i\nm v=-i\nm v=+5i,w=99999999999999999999i\nm v=-1u\nm v=12u,w=1.5.5\nm,=a v=1\nm  v=1\n");
    for (Precision precision : List.of(Precision.NANOSECONDS, Precision.SECONDS)) {
      LineProtocol.Result full = LineProtocol.parse(body.toString(), precision, 42);
      LineProtocol.Stamps stamps =
          LineProtocol.stamps(body.toString().getBytes(StandardCharsets.UTF_8), precision, 42);
      assertEquals(
          full.points().stream()
              .map(p -> new LineProtocol.Stamp(p.measurement(), p.timeNanos()))
              .toList(),
          stamps.points());
      assertEquals(full.errors(), stamps.errors());
      assertEquals(full.errorCount(), stamps.errorCount());
      assertTrue(
          full.errorCount() > 100 && full.points().size() > 50,
          full.errorCount() + " bad lines, " + full.points().size() + " points");
    }
  }

  /**
   * Differential test against a real influxd: random points with adversarial names and values are
   * written as line protocol; InfluxDB must accept every line and hold as many points, and the
   * parser must read back exactly what was generated. Malformed lines are rejected by both.
   */
  @Test
  void agreesWithInfluxDb() {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("lp");
    Random random = new Random(7);
    StringBuilder body = new StringBuilder();
    List<LinePoint> expected = new ArrayList<>();
    for (int n = 0; n < 300; n++) {
      TreeMap<String, String> tags = new TreeMap<>();
      for (int t = 0; t < random.nextInt(3); t++) {
        tags.put("t" + t + name(random), name(random));
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put(
          "f" + name(random),
          switch (random.nextInt(4)) {
            case 0 -> random.nextDouble() * 1e6 - 5e5;
            case 1 -> (long) random.nextInt();
            case 2 -> random.nextBoolean();
            default -> name(random) + "\"\\ ,=";
          });
      LinePoint p =
          new LinePoint("m" + name(random), tags, fields, Set.of(), 1_000_000_000L * (n + 1));
      expected.add(p);
      body.append(format(p)).append('\n');
    }
    influx.write(db, body.toString());
    LineProtocol.Result parsed = LineProtocol.parse(body.toString(), Precision.NANOSECONDS, 0);
    assertEquals(List.of(), parsed.errors());
    assertEquals(expected, parsed.points());
    // Measurement by measurement: SELECT * over several measurements drops fields whose types
    // differ between them.
    long total = 0;
    var json = new ObjectMapper();
    try {
      for (String name :
          new TreeSet<>(parsed.points().stream().map(LinePoint::measurement).toList())) {
        var answer = json.readTree(influx.query(db, "SELECT * FROM " + InfluxQl.identifier(name)));
        for (var series : answer.at("/results/0/series")) {
          total += series.get("values").size();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(300, total, "InfluxDB holds every point");
    // The names InfluxDB stored are the names parsed.
    Set<String> stored = new TreeSet<>();
    try {
      var shown = new ObjectMapper().readTree(influx.query(db, "SHOW MEASUREMENTS"));
      shown.at("/results/0/series/0/values").forEach(v -> stored.add(v.get(0).asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(
        new TreeSet<>(parsed.points().stream().map(LinePoint::measurement).toList()), stored);

    // A field given twice: InfluxDB keeps the last value, and so does the parser.
    influx.write(db, "dup v=1,v=2 1\n");
    assertTrue(
        influx.query(db, "SELECT v FROM dup").contains("[1,2]"),
        influx.query(db, "SELECT v FROM dup"));
    assertEquals(2.0, one("dup v=1,v=2 1").fields().get("v"));

    for (String bad :
        List.of("m v=", "m", "m v=1x", "m,t v=1", "m v=\"x", "m v=1 1.5", ",t=a v=1")) {
      assertEquals(1, LineProtocol.parse(bad, Precision.NANOSECONDS, 0).errors().size(), bad);
      boolean rejected;
      try {
        influx.write(db, bad + "\n");
        rejected = false;
      } catch (IllegalStateException e) {
        rejected = e.getMessage().contains("400");
      }
      assertTrue(rejected, "InfluxDB rejects '" + bad + "' too");
    }
  }

  /**
   * Fuzz against a real influxd: valid lines mutated at random (line protocol's own characters
   * inserted, deleted or replaced) never make either parse throw, the write path's check agrees
   * with the full parse, and no line the parser accepts is one influxd refuses to parse. Each line
   * is written alone, to a fresh measurement name where it parses, so that one line's field types
   * cannot make influxd refuse another.
   */
  @Test
  void mutatedLinesNeverCrashTheParserAndNoneItAcceptsIsOneInfluxDbRejects() {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("lpfuzz");
    Random random = new Random(13);
    String[] seeds = {
      "cpu,host=a,region=eu usage=1.5,count=3i,ok=true,state=\"run\" 1700000000000000000",
      "m\\ x,t\\,k=v\\=w f=-1e3 5",
      "m u=12u,s=\"a\\\"b\\\\\" 7",
      "m v=T,w=false,x=-1.5E-3,y=.5,z=1e300"
    };
    String alphabet = ",= \\\"\t-.eE+iuTFtf0123456789ab#\r";
    int accepted = 0;
    int rejected = 0;
    List<String> disagreements = new ArrayList<>();
    for (int n = 0; n < 400; n++) {
      StringBuilder line = new StringBuilder(seeds[random.nextInt(seeds.length)]);
      for (int k = 0, edits = 1 + random.nextInt(3); k < edits; k++) {
        int at = random.nextInt(line.length() + 1);
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> line.insert(at, c);
          case 1 -> line.deleteCharAt(Math.min(at, line.length() - 1));
          default -> line.setCharAt(Math.min(at, line.length() - 1), c);
        }
      }
      String text = line.toString();
      LineProtocol.Result full = LineProtocol.parse(text, Precision.NANOSECONDS, 0);
      LineProtocol.Stamps stamps =
          LineProtocol.stamps(text.getBytes(StandardCharsets.UTF_8), Precision.NANOSECONDS, 0);
      assertEquals(full.errors(), stamps.errors(), text);
      if (!full.errors().isEmpty() || full.points().isEmpty()) {
        rejected++;
        continue;
      }
      if (!full.points().get(0).unsigned().isEmpty()) {
        continue; // InfluxDB 1.x has no unsigned integers (2.x has): the parser takes them as 2.x
        // does
      }
      accepted++;
      // The same line under a measurement name of its own (the name is the line's first token).
      String renamed = "f" + n + "_" + text.stripLeading();
      try {
        influx.write(db, renamed + "\n");
      } catch (IllegalStateException e) {
        if (e.getMessage().contains("unable to parse") || e.getMessage().contains("invalid")) {
          disagreements.add(text + " -> " + e.getMessage());
        }
      }
    }
    assertEquals(List.of(), disagreements, "lines the parser accepts but influxd rejects");
    assertTrue(
        accepted > 50 && rejected > 50,
        accepted + " accepted, " + rejected + " rejected: the fuzz reached both");
  }

  private static String name(Random random) {
    // No backslashes in names: before a comma, space or equals sign, line protocol cannot tell them
    // apart from escapes.
    String chars = "ab c,d=efé\"'_";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 1 + random.nextInt(6); i++) {
      s.append(chars.charAt(random.nextInt(chars.length())));
    }
    String out = s.toString().strip();
    // A trailing backslash would escape the next separator; InfluxDB reads it the same way, but
    // keep names plain.
    while (out.endsWith("\\")) {
      out = out.substring(0, out.length() - 1);
    }
    return out.isEmpty() ? "x" : out;
  }

  static String format(LinePoint p) {
    StringBuilder s = new StringBuilder(escape(p.measurement(), ", "));
    p.tags()
        .forEach(
            (k, v) -> s.append(',').append(escape(k, ",= ")).append('=').append(escape(v, ",= ")));
    s.append(' ');
    boolean first = true;
    for (var e : p.fields().entrySet()) {
      s.append(first ? "" : ",").append(escape(e.getKey(), ",= ")).append('=');
      Object v = e.getValue();
      if (v instanceof String str) {
        s.append('"').append(str.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      } else if (v instanceof Long l) {
        s.append(l).append('i');
      } else if (v instanceof Double d) {
        s.append(d);
      } else {
        s.append(v);
      }
      first = false;
    }
    return s.append(' ').append(p.timeNanos()).toString();
  }

  private static String escape(String s, String special) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (special.indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
