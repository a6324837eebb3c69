package io.tidewater.gateway.auth;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.util.Optional;

/** Who a token belongs to, from the token file; or everyone unrestricted when auth is disabled. */
public final class Authenticator {

  private final Optional<TokenStore> tokens;

  private Authenticator(Optional<TokenStore> tokens) {
    this.tokens = tokens;
  }

  /** Checks tokens against {@code tokens}. */
  public static Authenticator of(TokenStore tokens) {
    return new Authenticator(Optional.of(tokens));
  }

  /** Lets every request do everything ({@code tidewater.auth.enabled=false}). */
  public static Authenticator disabled() {
    return new Authenticator(Optional.empty());
  }

  public boolean enabled() {
    return tokens.isPresent();
  }

  /** The principal of {@code token}; UNAUTHENTICATED if no entry of the token file matches. */
  public Principal authenticate(String token) {
    if (tokens.isEmpty()) {
      return Principal.UNRESTRICTED;
    }
    return tokens
        .get()
        .authenticate(token)
        .orElseThrow(
            () -> new TidewaterException(ErrorCode.UNAUTHENTICATED, "unknown or revoked token"));
  }
}
