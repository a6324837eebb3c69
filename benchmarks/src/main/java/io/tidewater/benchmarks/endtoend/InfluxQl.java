package io.tidewater.benchmarks.endtoend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The first peer: InfluxDB asked directly in InfluxQL over its {@code /query} API, JSON answers.
 */
final class InfluxQl implements QuerySystem {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI query;
  private final String database;

  InfluxQl(URI influx, String database) {
    this.query = influx.resolve("/query");
    this.database = database;
  }

  @Override
  public String name() {
    return "influxdb";
  }

  @Override
  public boolean answers(Question q) {
    return true;
  }

  @Override
  public long rows(Question q) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(query)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "epoch=ns&db="
                            + URLEncoder.encode(database, StandardCharsets.UTF_8)
                            + "&q="
                            + URLEncoder.encode(q.influxql(), StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body = JSON.readTree(r.body());
    if (r.statusCode() != 200 || body.has("error")) {
      throw new IllegalStateException("influxdb " + r.statusCode() + ": " + body);
    }
    long rows = 0;
    Map<Long, Integer> seriesPerTime = new HashMap<>();
    int series = 0;
    for (JsonNode result : body.path("results")) {
      if (result.has("error")) {
        throw new IllegalStateException("influxdb: " + result.get("error").asText());
      }
      for (JsonNode s : result.path("series")) {
        series++;
        for (JsonNode values : s.path("values")) {
          rows++;
          seriesPerTime.merge(values.get(0).asLong(), 1, Integer::sum);
        }
      }
    }
    if (!q.influxJoins()) {
      return rows;
    }
    int all = series;
    return seriesPerTime.values().stream().filter(n -> n == all).count();
  }
}
