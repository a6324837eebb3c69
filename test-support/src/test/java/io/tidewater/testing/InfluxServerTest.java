package io.tidewater.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class InfluxServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void writtenPointsReadBackWithInfluxQl() throws Exception {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("harness");
    influx.write(
        db,
        String.join(
            "\n",
            "cpu,host=a,region=eu\\ west usage=1.5,count=3i,ok=true,note=\"x y\" 1000000000",
            "cpu,host=a,region=eu\\ west usage=2.5,count=4i,ok=false,note=\"z\" 2000000000",
            "cpu,host=b,region=us usage=10 3000000000"));

    JsonNode series =
        JSON.readTree(influx.query(db, "SELECT count(usage), sum(usage) FROM cpu GROUP BY host"))
            .at("/results/0/series");
    assertEquals(2, series.size());
    assertEquals("a", series.get(0).at("/tags/host").asText());
    assertEquals(2, series.get(0).at("/values/0/1").asLong());
    assertEquals(4.0, series.get(0).at("/values/0/2").asDouble());
    assertEquals(10.0, series.get(1).at("/values/0/2").asDouble());

    JsonNode raw =
        JSON.readTree(
                influx.query(
                    db, "SELECT usage, note FROM cpu WHERE region = 'eu west' ORDER BY time"))
            .at("/results/0/series/0/values");
    assertEquals(2, raw.size());
    assertEquals(1_000_000_000L, raw.get(0).get(0).asLong(), "epoch=ns keeps nanoseconds");
    assertEquals("x y", raw.get(0).get(2).asText());

    JsonNode fields =
        JSON.readTree(influx.query(db, "SHOW FIELD KEYS FROM cpu"))
            .at("/results/0/series/0/values");
    assertEquals(
        "[[\"count\",\"integer\"],[\"note\",\"string\"],[\"ok\",\"boolean\"],[\"usage\",\"float\"]]",
        fields.toString());
  }

  @Test
  void statementErrorsComeBackInsideA200() throws Exception {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("harness");
    JsonNode result =
        JSON.readTree(influx.query(db, "SELECT nope FROM \"no such\" GROUP BY time(1h)"));
    assertTrue(result.at("/results/0/error").asText().contains("aggregate"), result.toString());
  }
}
