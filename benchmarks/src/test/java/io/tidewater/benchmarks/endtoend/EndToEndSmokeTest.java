package io.tidewater.benchmarks.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end runner's smoke mode completes against the packaged gateway and writes a
 * well-formed report: every class answered by the gateway and its peers without failures, the
 * gateway's answers as many rows as InfluxDB's, the export and sizes measured. No speed is
 * asserted.
 */
class EndToEndSmokeTest {

  @TempDir Path out;

  @Test
  void smokeRunWritesAWellFormedReport() throws Exception {
    EndToEndReport report =
        new EndToEndRunner(
                RunnerOptions.smoke(out, Path.of("../gateway/target/quarkus-app/quarkus-run.jar")))
            .run();
    ReportWriter.write(report, out);

    JsonNode json = new ObjectMapper().readTree(out.resolve("end-to-end.json").toFile());
    assertEquals(QueryClass.values().length, json.get("classes").size());
    for (JsonNode c : json.get("classes")) {
      String name = c.get("name").asText();
      for (JsonNode s : c.get("systems")) {
        boolean duckdbCannot =
            s.get("system").asText().equals("duckdb")
                && c.get("duckdbCoverage").asText().equals("NONE");
        assertEquals(0, s.get("failures").asInt(), name + " " + s);
        assertTrue(duckdbCannot || s.get("queries").asInt() > 0, name + " " + s);
        assertTrue(duckdbCannot || s.get("p95").asDouble() > 0, name + " " + s);
      }
      assertTrue(c.get("compared").asInt() > 0, name);
      assertEquals(
          c.get("compared").asInt(),
          c.get("sameRowsAsInfluxdb").asInt(),
          name + ": row counts differ from InfluxDB's");
    }
    assertTrue(json.at("/export/rows").asLong() > 20_000, json.get("export").toString());
    assertTrue(json.at("/export/windows").asInt() >= 2 * 24 * 3, json.get("export").toString());
    assertTrue(json.at("/size/lakeRawBytes").asLong() > 0);

    String md = Files.readString(out.resolve("end-to-end.md"));
    for (QueryClass c : QueryClass.values()) {
      assertTrue(md.contains("**" + c.label + "**"), c.label);
    }
    assertTrue(md.contains("| class | system | n | p50 | p95 | p99 |"));
    assertTrue(md.contains("Export through the gateway"));
    var svg =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(out.resolve("end-to-end.svg").toFile());
    assertEquals("svg", svg.getDocumentElement().getTagName());
    assertTrue(svg.getElementsByTagName("rect").getLength() >= 2 * QueryClass.values().length);
  }
}
