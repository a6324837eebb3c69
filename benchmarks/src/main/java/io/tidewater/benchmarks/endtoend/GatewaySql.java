package io.tidewater.benchmarks.endtoend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * The gateway, asked over HTTP as a dashboard would: {@code POST /v1/sql}, the whole answer as
 * JSON.
 */
final class GatewaySql implements QuerySystem {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI sql;

  GatewaySql(URI gateway) {
    this.sql = gateway.resolve("/v1/sql");
  }

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public boolean answers(Question q) {
    return true;
  }

  @Override
  public long rows(Question q) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(sql)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        JSON.writeValueAsBytes(Map.of("sql", q.sql()))))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body = JSON.readTree(r.body());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("gateway " + r.statusCode() + ": " + body);
    }
    return body.get("rowCount").asLong();
  }
}
