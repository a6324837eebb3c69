package io.tidewater.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tidewater.gateway.auth.TokenHash;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gateway with auth on: two databases (a and b) with an hour of cpu each, a policy over a, and a
 * token file with an admin, a reader and a writer of a, and a reader of b. The tokens themselves
 * are kept here for the tests; the file holds only their hashes. The log goes to a file so a test
 * can look for tokens in it.
 */
public class AuthTestResource implements QuarkusTestResourceLifecycleManager {

  static volatile InfluxServer influx;
  static volatile String dbA;
  static volatile String dbB;
  static volatile Path log;
  static final String ISSUER = "https://idp.tidewater.test";

  /** Token name -> the token. */
  static final Map<String, String> TOKENS = new LinkedHashMap<>();

  @Override
  public Map<String, String> start() {
    try {
      influx = TestServers.influx();
      dbA = influx.newDatabase("auth_a");
      dbB = influx.newDatabase("auth_b");
      long hour =
          Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS).getEpochSecond();
      for (String db : List.of(dbA, dbB)) {
        influx.write(db, TestPoints.cpuEveryMinute(hour, 60));
      }
      Map<String, List<String>> scopes = new LinkedHashMap<>();
      scopes.put("admin", List.of("admin", "metrics", "read:*", "write:*"));
      scopes.put("reader-a", List.of("read:" + dbA));
      scopes.put("writer-a", List.of("write:" + dbA));
      scopes.put("reader-b", List.of("read:" + dbB.substring(0, dbB.length() - 1) + "*"));
      StringBuilder file = new StringBuilder("tokens:\n");
      scopes.forEach(
          (name, s) -> {
            String token = TokenHash.newToken();
            TOKENS.put(name, token);
            file.append("  - name: ")
                .append(name)
                .append('\n')
                .append("    hash: ")
                .append(TokenHash.of(token))
                .append('\n')
                .append("    scopes: [")
                .append(String.join(", ", s))
                .append("]\n");
          });
      Path tokens = Files.createTempFile("tidewater-tokens-", ".yaml");
      Files.writeString(tokens, file);
      Path policies = Files.createTempDirectory("tidewater-policies-");
      Files.writeString(
          policies.resolve("auth.yaml"),
          """
          name: auth-test
          source: { database: %s, measurements: [cpu] }
          window: 1h
          tiers:
            hot: { keep: 30d }
            warm: { after: 30d }
          """
              .formatted(dbA));
      log = Files.createTempFile("tidewater-auth-test-", ".log");
      Map<String, String> config = new LinkedHashMap<>();
      config.put("tidewater.auth.enabled", "true");
      config.put("tidewater.auth.tokens-file", tokens.toString());
      config.put("tidewater.policies.folder", policies.toString());
      config.put("tidewater.influx.url", influx.url().toString());
      config.put(
          "tidewater.lake.uri", Files.createTempDirectory("tidewater-lake-").toUri().toString());
      config.put("tidewater.export.scheduled", "false");
      config.put(
          "tidewater.cdc.log-dir", Files.createTempDirectory("tidewater-cdc-log-").toString());
      config.put("tidewater.cdc.reconcile-interval", "off");
      // In test mode Quarkus makes an identity provider's key pair itself (mp.jwt.verify.publickey,
      // smallrye.jwt.sign.key): JWTs the tests sign with Jwt...sign() verify against it.
      config.put("mp.jwt.verify.issuer", ISSUER);
      config.put("quarkus.log.file.enabled", "true");
      config.put("quarkus.log.file.path", log.toString());
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}
}
