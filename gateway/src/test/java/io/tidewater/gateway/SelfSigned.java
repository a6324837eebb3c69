package io.tidewater.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made by the JDK's keytool, in the forms
 * servers and clients take it: a PKCS#12 keystore, the certificate and its key as PEM, a trust
 * store holding only the certificate, and an SSL context trusting it.
 */
record SelfSigned(
    Path keystore,
    String password,
    Path certificate,
    Path privateKey,
    Path truststore,
    SSLContext trusting) {

  private static final String ALIAS = "server";

  static SelfSigned create(Path dir, String password) throws IOException {
    try {
      Files.createDirectories(dir);
      Path keystore = dir.resolve("server.p12");
      keytool(
          "-genkeypair",
          "-alias",
          ALIAS,
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
          password,
          "-keypass",
          password);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        ks.load(in, password.toCharArray());
      }
      Certificate cert = ks.getCertificate(ALIAS);
      Path certPem = dir.resolve("server.crt");
      Path keyPem = dir.resolve("server.key");
      Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
      Files.writeString(
          keyPem,
          pem("PRIVATE KEY", ((PrivateKey) ks.getKey(ALIAS, password.toCharArray())).getEncoded()));
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("private-ca", cert);
      Path truststore = dir.resolve("trust.p12");
      try (OutputStream out = Files.newOutputStream(truststore)) {
        trust.store(out, password.toCharArray());
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext trusting = SSLContext.getInstance("TLS");
      trusting.init(null, tmf.getTrustManagers(), null);
      return new SelfSigned(keystore, password, certPem, keyPem, truststore, trusting);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make a self-signed certificate", e);
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
}
