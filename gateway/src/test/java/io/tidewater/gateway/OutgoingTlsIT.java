package io.tidewater.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.testing.AzuriteServer;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.S3Server;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway reading an InfluxDB that serves HTTPS with a certificate of a private CA:
 * trusted through the JVM's trust store ({@code -Djavax.net.ssl.trustStore}, which the InfluxDB, S3
 * and Azure clients all use) it is ready and answers SQL from InfluxDB; without it InfluxDB is
 * unavailable (the handshake fails), never read over an unverified connection.
 */
class OutgoingTlsIT {

  private static final String PASSWORD = "outgoing-tls";

  @Test
  void anInfluxDbWithAPrivateCaIsReadWhenItsCaIsTrusted(@TempDir Path dir) throws Exception {
    SelfSigned ca = SelfSigned.create(dir.resolve("ca"), PASSWORD);
    InfluxServer influx = InfluxServer.startHttps(ca.certificate(), ca.privateKey(), ca.trusting());
    try {
      String db = influx.newDatabase("tls");
      long hour =
          Instant.now().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS).getEpochSecond();
      influx.write(db, TestPoints.cpuEveryMinute(hour, 30));
      assertEquals("https", influx.url().getScheme());

      String sql = "{\"sql\": \"SELECT count(*) AS n FROM \\\"" + db + "\\\".cpu\"}";
      try (Gateway trusted =
          Gateway.start(
              dir.resolve("trusted"),
              influx.url(),
              List.of(
                  "-Djavax.net.ssl.trustStore=" + ca.truststore(),
                  "-Djavax.net.ssl.trustStorePassword=" + PASSWORD))) {
        assertEquals(200, trusted.awaitReady(), trusted.log());
        HttpResponse<String> r = trusted.post("/v1/sql", sql);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("[[30]]"), r.body());
      }
      try (Gateway untrusting = Gateway.start(dir.resolve("untrusting"), influx.url(), List.of())) {
        assertEquals(503, untrusting.awaitReady(), untrusting.log());
        String readiness = untrusting.get("/q/health/ready").body();
        assertTrue(
            readiness.contains("PKIX") || readiness.contains("certification path"), readiness);
        HttpResponse<String> r = untrusting.post("/v1/sql", sql);
        assertTrue(r.statusCode() != 200 && !r.body().contains("[[30]]"), r.body());
      }
    } finally {
      influx.close();
    }
  }

  @Test
  void lakesOnS3AndAzureWithAPrivateCaAreReachedWhenItsCaIsTrusted(@TempDir Path dir)
      throws Exception {
    SelfSigned ca = SelfSigned.create(dir.resolve("ca"), PASSWORD);
    InfluxServer influx = TestServers.influx();
    List<String> trust =
        List.of(
            "-Djavax.net.ssl.trustStore=" + ca.truststore(),
            "-Djavax.net.ssl.trustStorePassword=" + PASSWORD);
    try (S3Server s3 = S3Server.startHttps(ca.keystore(), PASSWORD, ca.trusting());
        AzuriteServer azure =
            AzuriteServer.startHttps(ca.certificate(), ca.privateKey(), ca.trusting())) {
      assertEquals("https", s3.endpoint().getScheme());
      assertEquals("https", azure.blobEndpoint().getScheme());
      List<String> s3Lake =
          List.of(
              "-Dtidewater.lake.uri=s3://tidewater/lake",
              "-Dtidewater.lake.s3.endpoint=" + s3.endpoint(),
              "-Dtidewater.lake.s3.path-style=true",
              "-Dtidewater.lake.s3.region=" + S3Server.REGION,
              "-Dtidewater.lake.s3.access-key=" + S3Server.ACCESS_KEY,
              "-Dtidewater.lake.s3.secret-key=" + S3Server.SECRET_KEY);
      List<String> azureLake =
          List.of(
              "-Dtidewater.lake.uri=abfss://lake@"
                  + AzuriteServer.ACCOUNT
                  + ".dfs.core.windows.net/lake",
              "-Dtidewater.lake.azure.blob-endpoint=" + azure.blobEndpoint(),
              "-Dtidewater.lake.azure.account-key=" + AzuriteServer.ACCOUNT_KEY);
      for (List<String> lake : List.of(s3Lake, azureLake)) {
        String name = lake == s3Lake ? "s3" : "azure";
        try (Gateway trusted =
            Gateway.start(dir.resolve(name + "-trusted"), influx.url(), trust, lake)) {
          assertEquals(
              200, trusted.awaitReady(), name + ": " + trusted.get("/q/health/ready").body());
        }
        try (Gateway untrusting =
            Gateway.start(dir.resolve(name + "-untrusting"), influx.url(), List.of(), lake)) {
          assertEquals(503, untrusting.awaitReady(), untrusting.log());
          String readiness = untrusting.get("/q/health/ready").body();
          assertTrue(
              readiness.contains("PKIX") || readiness.contains("certification path"),
              name + ": " + readiness);
        }
      }
    }
  }

  /** The packaged gateway as a process, auth off, reading {@code influx}. */
  private record Gateway(Process process, int port, Path logFile) implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static Gateway start(Path dir, URI influx, List<String> jvm) throws IOException {
      return start(
          dir, influx, jvm, List.of("-Dtidewater.lake.uri=" + dir.resolve("lake").toUri()));
    }

    static Gateway start(Path dir, URI influx, List<String> jvm, List<String> lake)
        throws IOException {
      Files.createDirectories(dir);
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvm);
      command.addAll(lake);
      command.addAll(
          List.of(
              "-Dtidewater.auth.enabled=false",
              "-Dtidewater.influx.url=" + influx,
              "-Dtidewater.cdc.log-dir=" + dir.resolve("cdc-log"),
              "-Dquarkus.http.port=" + port,
              "-jar",
              System.getProperty("quarkus.app.jar")));
      Path log = dir.resolve("gateway.log");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      return new Gateway(p, port, log);
    }

    /** The readiness status once the gateway answers (200 ready, 503 not). */
    int awaitReady() throws Exception {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (Instant.now().isBefore(deadline) && process.isAlive()) {
        try {
          int status =
              HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
          if (status == 200 || status == 503) {
            return status;
          }
        } catch (IOException notYet) {
          // starting
        }
        Thread.sleep(200);
      }
      return -1;
    }

    HttpResponse<String> get(String path) throws Exception {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws Exception {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(json))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    String log() throws IOException {
      return Files.exists(logFile) ? Files.readString(logFile) : "";
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
