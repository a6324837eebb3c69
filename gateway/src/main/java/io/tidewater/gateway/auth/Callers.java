package io.tidewater.gateway.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;

/** The principal of a request, as {@link TokenIdentityProvider} attached it to its identity. */
public final class Callers {

  private Callers() {}

  /** The caller; UNAUTHENTICATED for an anonymous request (path permissions let none through). */
  public static Principal of(SecurityIdentity identity) {
    Principal p = identity.getAttribute(Principal.class.getName());
    if (p == null) {
      throw new TidewaterException(ErrorCode.UNAUTHENTICATED, "a token is required");
    }
    return p;
  }

  /** FORBIDDEN unless the caller may run and inspect jobs. */
  public static void requireAdmin(Principal caller) {
    if (!caller.isAdmin()) {
      throw new TidewaterException(
          ErrorCode.FORBIDDEN,
          "token '" + caller.name() + "' may not manage jobs (needs the admin scope)");
    }
  }

  /** FORBIDDEN unless the caller may write to {@code database}. */
  public static void requireWrite(Principal caller, String database) {
    if (!caller.mayWrite(database)) {
      throw new TidewaterException(
          ErrorCode.FORBIDDEN,
          "token '"
              + caller.name()
              + "' may not write to database '"
              + database
              + "' (needs write:"
              + database
              + ")");
    }
  }
}
