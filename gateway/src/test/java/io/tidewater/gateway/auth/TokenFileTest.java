package io.tidewater.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token file without a gateway: what scripts/new-token.sh prints loads and matches its token,
 * scopes and globs allow what they say, a malformed file is refused with where and why, and a
 * changed file is read again (a broken change keeps the previous tokens).
 */
class TokenFileTest {

  @TempDir Path dir;

  /** Runs scripts/new-token.sh: the token and the entry it printed. */
  private static String[] newToken(String name, String... scopes) throws Exception {
    Path root = Path.of(System.getProperty("testservers.root"));
    List<String> command =
        new ArrayList<>(List.of(root.resolve("scripts/new-token.sh").toString(), name));
    command.addAll(List.of(scopes));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    String first = out.lines().findFirst().orElseThrow();
    String token = first.substring(first.lastIndexOf(' ') + 1);
    return new String[] {token, out.substring(out.indexOf('\n') + 1)};
  }

  private Path file(String text) throws IOException {
    Path f = dir.resolve("tokens.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void whatTheScriptPrintsLoadsAndMatchesOnlyItsToken() throws Exception {
    String[] grafana = newToken("grafana", "read:telegraf", "read:factory_*");
    String[] ops = newToken("ops", "admin", "metrics", "write:*");
    TokenStore store = new TokenStore(file("tokens:\n" + grafana[1] + ops[1]), Clock.systemUTC());
    assertEquals(2, store.size());
    Principal g = store.authenticate(grafana[0]).orElseThrow();
    assertEquals("grafana", g.name());
    assertTrue(g.mayRead("telegraf") && g.mayRead("factory_eu") && g.mayRead("factory_"));
    assertFalse(g.mayRead("telegraf2") || g.mayRead("factory") || g.mayWrite("telegraf"));
    assertFalse(g.isAdmin() || g.mayReadMetrics());
    Principal o = store.authenticate(ops[0]).orElseThrow();
    assertTrue(
        o.isAdmin() && o.mayReadMetrics() && o.mayWrite("anything") && !o.mayRead("anything"));
    assertEquals(Optional.empty(), store.authenticate(grafana[0] + "0"));
    assertEquals(Optional.empty(), store.authenticate(""));
    assertFalse(
        Files.readString(dir.resolve("tokens.yaml")).contains(grafana[0]),
        "only hashes are stored");
  }

  @Test
  void globsAreWholeNamesAndEverythingElseIsLiteral() {
    Scope s = Scope.parse("read:a.b?c*");
    assertTrue(s.allows(Scope.Action.READ, "a.bxc"));
    assertTrue(s.allows(Scope.Action.READ, "a.bxcdef"));
    assertFalse(s.allows(Scope.Action.READ, "aXbxc"), "a dot is a dot");
    assertFalse(s.allows(Scope.Action.WRITE, "a.bxc"));
    assertFalse(s.allows(Scope.Action.READ, "za.bxc"));
  }

  @Test
  void malformedFilesAndScopesAreRefusedWithWhereAndWhy() throws Exception {
    String hash = TokenHash.of("t").toString();
    for (String[] c :
        new String[][] {
          {"nothing: here\n", "needs a list 'tokens'"},
          {"tokens:\n  - name: a\n    scopes: [admin]\n", "token 'a' needs a hash"},
          {"tokens:\n  - name: a\n    hash: tw_plain\n    scopes: [admin]\n", "a hash is sha256:"},
          {
            "tokens:\n  - name: a\n    hash: " + hash + "\n    scopes: []\n",
            "needs a list of scopes"
          },
          {
            "tokens:\n  - name: a\n    hash: " + hash + "\n    scopes: [read]\n",
            "read needs a database"
          },
          {
            "tokens:\n  - name: a\n    hash: " + hash + "\n    scopes: [admin:x]\n",
            "admin takes no database"
          },
          {
            "tokens:\n  - name: a\n    hash: " + hash + "\n    scopes: [delete:*]\n",
            "expected read:<database>"
          },
          {
            "tokens:\n  - name: a\n    hash: "
                + hash
                + "\n    scopes: [admin]\n  - name: a\n    hash: "
                + hash
                + "\n    scopes: [admin]\n",
            "named twice"
          },
          {"tokens: [\n", "is not valid YAML"},
        }) {
      Path f = file(c[0]);
      TidewaterException e = assertThrows(TidewaterException.class, () -> TokenFile.load(f), c[0]);
      assertEquals(ErrorCode.INVALID_AUTH_CONFIG, e.code());
      assertTrue(
          e.getMessage().contains(c[1]) && e.getMessage().contains(f.toString()), e.getMessage());
    }
  }

  @Test
  void aChangedFileIsReadAgainAndABrokenChangeKeepsThePreviousTokens() throws Exception {
    String[] a = newToken("a", "read:x");
    String[] b = newToken("b", "read:y");
    Path f = file("tokens:\n" + a[1]);
    Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0];
          }
        };
    TokenStore store = new TokenStore(f, clock);
    assertTrue(store.authenticate(a[0]).isPresent());
    Files.writeString(f, "tokens:\n" + b[1]);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
    assertTrue(store.authenticate(a[0]).isPresent(), "looked at no more than once a second");
    now[0] = now[0].plus(Duration.ofSeconds(2));
    assertFalse(store.authenticate(a[0]).isPresent(), "revoked");
    assertTrue(store.authenticate(b[0]).isPresent(), "added");
    Files.writeString(f, "tokens: [\n");
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(10)));
    now[0] = now[0].plus(Duration.ofSeconds(2));
    assertTrue(store.authenticate(b[0]).isPresent(), "a broken change keeps what was loaded");
  }

  @Test
  void credentialsInEveryInfluxForm() {
    String basic = Base64.getEncoder().encodeToString("u:tok".getBytes(StandardCharsets.UTF_8));
    assertEquals(Optional.of("tok"), Credentials.token("Token tok", null));
    assertEquals(Optional.of("tok"), Credentials.token("bearer tok", null));
    assertEquals(Optional.of("tok"), Credentials.token("Basic " + basic, null));
    assertEquals(Optional.of("tok"), Credentials.token(null, "tok"));
    assertEquals(Optional.empty(), Credentials.token(null, null));
    for (String bad :
        List.of(
            "Digest x",
            "Basic !!",
            "Token ",
            "Basic "
                + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)))) {
      TidewaterException e =
          assertThrows(TidewaterException.class, () -> Credentials.token(bad, null), bad);
      assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
    }
  }
}
