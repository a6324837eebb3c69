package io.tidewater.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The gateway over HTTPS with a configured certificate, spoken to by real TLS clients (the JDK's
 * HTTP client and curl) that trust it; a client that does not trust it fails its handshake, and
 * plain HTTP is refused.
 */
@QuarkusTest
@WithTestResource(TlsTestResource.class)
class TlsTest {

  @TestHTTPResource(value = "/q/health/ready", tls = true)
  URL https;

  @TestHTTPResource(value = "/q/health/ready")
  URL http;

  private static SSLContext trusting() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(TlsTestResource.certificate)) {
      trust.setCertificateEntry(
          "gateway",
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }

  @Test
  void aClientTrustingTheCertificateIsServedOverHttps() throws Exception {
    assertEquals("https", https.getProtocol());
    HttpClient client = HttpClient.newBuilder().sslContext(trusting()).build();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(https.toURI()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.sslSession().isPresent());
  }

  @Test
  void curlWithTheCertificateAsItsCaIsServed() throws Exception {
    Process curl =
        new ProcessBuilder(
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--cacert",
                TlsTestResource.certificate.toString(),
                https.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(curl.getInputStream().readAllBytes()).strip();
    assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
    assertEquals("200", out);
  }

  @Test
  void aClientNotTrustingItFailsAndPlainHttpIsRefused() throws Exception {
    HttpClient untrusting = HttpClient.newHttpClient();
    assertThrows(
        SSLHandshakeException.class,
        () ->
            untrusting.send(
                HttpRequest.newBuilder(https.toURI()).build(),
                HttpResponse.BodyHandlers.ofString()));
    URI plain = URI.create("http://" + https.getHost() + ":" + http.getPort() + "/q/health/ready");
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(plain).build(), HttpResponse.BodyHandlers.ofString());
      assertNotEquals(200, r.statusCode(), "plain HTTP served: " + r.body());
    } catch (IOException refused) {
      // no plain HTTP listener at all: refused, as configured
    }
  }
}
