package io.tidewater.gateway.auth;

import java.util.List;

/**
 * Who sent a request and what they may do: the name of the token (or of the identity provider's
 * subject) and its scopes.
 */
public record Principal(String name, List<Scope> scopes) {

  /** Everything, for a gateway started with {@code tidewater.auth.enabled=false}. */
  public static final Principal UNRESTRICTED =
      new Principal(
          "anonymous (auth disabled)",
          List.of(
              Scope.parse("read:*"),
              Scope.parse("write:*"),
              Scope.parse("admin"),
              Scope.parse("metrics")));

  public Principal {
    scopes = List.copyOf(scopes);
  }

  public boolean mayRead(String database) {
    return allows(Scope.Action.READ, database);
  }

  public boolean mayWrite(String database) {
    return allows(Scope.Action.WRITE, database);
  }

  public boolean isAdmin() {
    return allows(Scope.Action.ADMIN, null);
  }

  public boolean mayReadMetrics() {
    return allows(Scope.Action.METRICS, null);
  }

  private boolean allows(Scope.Action action, String database) {
    return scopes.stream().anyMatch(s -> s.allows(action, database));
  }
}
