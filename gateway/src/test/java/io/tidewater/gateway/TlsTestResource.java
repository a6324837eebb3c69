package io.tidewater.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway serving HTTPS only, with a self-signed certificate for localhost and 127.0.0.1 made by
 * the JDK's keytool (a PKCS#12 keystore, and the certificate as PEM for clients to trust).
 */
public class TlsTestResource implements QuarkusTestResourceLifecycleManager {

  static final String PASSWORD = "tls-test-secret";
  static volatile Path keystore;
  static volatile Path certificate;

  @Override
  public Map<String, String> start() {
    try {
      Path dir = Files.createTempDirectory("tidewater-tls-");
      keystore = dir.resolve("gateway.p12");
      certificate = dir.resolve("gateway.pem");
      keytool(
          "-genkeypair",
          "-alias",
          "gateway",
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
      keytool(
          "-exportcert",
          "-rfc",
          "-alias",
          "gateway",
          "-keystore",
          keystore.toString(),
          "-storepass",
          PASSWORD,
          "-file",
          certificate.toString());
      Map<String, String> config = new LinkedHashMap<>();
      config.put("quarkus.tls.https.key-store.p12.path", keystore.toString());
      config.put("quarkus.tls.https.key-store.p12.password", PASSWORD);
      config.put("quarkus.http.tls-configuration-name", "https");
      config.put("quarkus.http.insecure-requests", "disabled");
      config.put("tidewater.influx.url", TestServers.influx().url().toString());
      config.put("tidewater.lake.uri", dir.resolve("lake").toUri().toString());
      config.put("tidewater.cdc.log-dir", dir.resolve("cdc-log").toString());
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void stop() {}
}
