package io.tidewater.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.testing.AzuriteServer;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.S3Server;
import io.tidewater.testing.TestServers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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
      try (GatewayProcess trusted =
          GatewayProcess.start(
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
      try (GatewayProcess untrusting =
          GatewayProcess.start(dir.resolve("untrusting"), influx.url(), List.of())) {
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
        try (GatewayProcess trusted =
            GatewayProcess.start(dir.resolve(name + "-trusted"), influx.url(), trust, lake)) {
          assertEquals(
              200, trusted.awaitReady(), name + ": " + trusted.get("/q/health/ready").body());
        }
        try (GatewayProcess untrusting =
            GatewayProcess.start(
                dir.resolve(name + "-untrusting"), influx.url(), List.of(), lake)) {
          assertEquals(503, untrusting.awaitReady(), untrusting.log());
          String readiness = untrusting.get("/q/health/ready").body();
          assertTrue(
              readiness.contains("PKIX") || readiness.contains("certification path"),
              name + ": " + readiness);
        }
      }
    }
  }
}
