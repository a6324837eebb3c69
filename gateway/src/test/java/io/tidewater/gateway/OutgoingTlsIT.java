package io.tidewater.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.testing.InfluxServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
    Path keystore = dir.resolve("influx.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "influx",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    Certificate certificate = ks.getCertificate("influx");
    Path certPem = dir.resolve("influx.crt");
    Path keyPem = dir.resolve("influx.key");
    Files.writeString(certPem, pem("CERTIFICATE", certificate.getEncoded()));
    Files.writeString(
        keyPem,
        pem(
            "PRIVATE KEY",
            ((PrivateKey) ks.getKey("influx", PASSWORD.toCharArray())).getEncoded()));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("private-ca", certificate);
    Path truststore = dir.resolve("trust.p12");
    try (OutputStream out = Files.newOutputStream(truststore)) {
      trust.store(out, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext trusting = SSLContext.getInstance("TLS");
    trusting.init(null, tmf.getTrustManagers(), null);

    InfluxServer influx = InfluxServer.startHttps(certPem, keyPem, trusting);
    try {
      String db = influx.newDatabase("tls");
      long hour =
          Instant.now().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS).getEpochSecond();
      StringBuilder lp = new StringBuilder();
      for (int i = 0; i < 30; i++) {
        lp.append("cpu,host=h v=")
            .append(i)
            .append(' ')
            .append((hour + 60L * i) * 1_000_000_000L)
            .append('\n');
      }
      influx.write(db, lp.toString());
      assertEquals("https", influx.url().getScheme());

      String sql = "{\"sql\": \"SELECT count(*) AS n FROM \\\"" + db + "\\\".cpu\"}";
      try (Gateway trusted =
          Gateway.start(
              dir.resolve("trusted"),
              influx.url(),
              List.of(
                  "-Djavax.net.ssl.trustStore=" + truststore,
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

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
  }

  /** The packaged gateway as a process, auth off, reading {@code influx}. */
  private record Gateway(Process process, int port, Path logFile) implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static Gateway start(Path dir, URI influx, List<String> jvm) throws IOException {
      Files.createDirectories(dir);
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvm);
      command.addAll(
          List.of(
              "-Dtidewater.auth.enabled=false",
              "-Dtidewater.influx.url=" + influx,
              "-Dtidewater.lake.uri=" + dir.resolve("lake").toUri(),
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
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
