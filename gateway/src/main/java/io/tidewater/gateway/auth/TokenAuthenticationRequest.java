package io.tidewater.gateway.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A request's token, on its way to {@link TokenIdentityProvider}. */
public final class TokenAuthenticationRequest extends BaseAuthenticationRequest {

  private final String token;

  public TokenAuthenticationRequest(String token) {
    this.token = token;
  }

  String token() {
    return token;
  }
}
