package io.tidewater.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the configured InfluxDB: its {@code /ping} must answer 204. */
@Readiness
@ApplicationScoped
public class InfluxHealthCheck implements HealthCheck {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final TidewaterConfig config;

  InfluxHealthCheck(TidewaterConfig config) {
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder health =
        HealthCheckResponse.named("influxdb").withData("url", config.influx().url().toString());
    HttpRequest ping =
        HttpRequest.newBuilder(config.influx().url().resolve("/ping"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    try {
      HttpResponse<Void> response = http.send(ping, HttpResponse.BodyHandlers.discarding());
      response
          .headers()
          .firstValue("X-Influxdb-Version")
          .ifPresent(v -> health.withData("version", v));
      if (response.statusCode() == 204) {
        return health.up().build();
      }
      return health.down().withData("error", "/ping answered " + response.statusCode()).build();
    } catch (IOException e) {
      return health.down().withData("error", "unreachable: " + e).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return health.down().withData("error", "interrupted").build();
    }
  }
}
