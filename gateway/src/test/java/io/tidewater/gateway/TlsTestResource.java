package io.tidewater.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
      SelfSigned cert = SelfSigned.create(dir.resolve("tls"), PASSWORD);
      keystore = cert.keystore();
      certificate = cert.certificate();
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

  @Override
  public void stop() {}
}
