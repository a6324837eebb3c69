package io.tidewater.benchmarks.endtoend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

/** A policy's run started through the gateway's jobs API and awaited. */
final class PolicyRuns {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PolicyRuns() {}

  /**
   * Starts a run of {@code policy} and returns its {@code lastRun} status once it has finished;
   * throws if it did not start or failed as a whole.
   */
  static JsonNode runAndWait(HttpClient http, URI gateway, String policy) throws Exception {
    Instant asked = Instant.now();
    HttpResponse<String> started =
        http.send(
            HttpRequest.newBuilder(gateway.resolve("/v1/jobs/" + policy + "/run"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (started.statusCode() != 202) {
      throw new IllegalStateException(
          "the export did not start: " + started.statusCode() + " " + started.body());
    }
    JsonNode last;
    do {
      Thread.sleep(500);
      JsonNode job =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(gateway.resolve("/v1/jobs/" + policy)).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      last = job.path("running").asBoolean() ? null : job.path("lastRun");
    } while (last == null
        || last.isMissingNode()
        || last.isNull()
        || Instant.parse(last.path("started").asText()).isBefore(asked.minusSeconds(1)));
    if (!last.path("error").isNull() && !last.path("error").isMissingNode()) {
      throw new IllegalStateException("the export failed: " + last.path("error").asText());
    }
    return last;
  }
}
