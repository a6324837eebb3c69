package io.tidewater.gateway;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the configured InfluxDB: its {@code /ping} must answer 204. Asked asynchronously,
 * never on the request pool SQL statements may all hold.
 */
@Readiness
@ApplicationScoped
public class InfluxHealthCheck implements AsyncHealthCheck {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final TidewaterConfig config;

  InfluxHealthCheck(TidewaterConfig config) {
    this.config = config;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    HealthCheckResponseBuilder health =
        HealthCheckResponse.named("influxdb").withData("url", config.influx().url().toString());
    HttpRequest ping =
        HttpRequest.newBuilder(config.influx().url().resolve("/ping"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    return Uni.createFrom()
        .completionStage(() -> http.sendAsync(ping, HttpResponse.BodyHandlers.discarding()))
        .map(
            response -> {
              response
                  .headers()
                  .firstValue("X-Influxdb-Version")
                  .ifPresent(v -> health.withData("version", v));
              if (response.statusCode() == 204) {
                return health.up().build();
              }
              return health
                  .down()
                  .withData("error", "/ping answered " + response.statusCode())
                  .build();
            })
        .onFailure()
        .recoverWithItem(e -> health.down().withData("error", "unreachable: " + e).build());
  }
}
