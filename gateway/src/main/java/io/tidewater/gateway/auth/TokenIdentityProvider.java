package io.tidewater.gateway.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.tidewater.error.TidewaterException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns a token into Quarkus's security identity: the principal's name, a role per scope action
 * that path permissions check ({@code metrics}, {@code admin}), and the {@link Principal} itself
 * for the per-database checks of the resources.
 */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

  private final Authenticator authenticator;

  TokenIdentityProvider(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public Class<TokenAuthenticationRequest> getRequestType() {
    return TokenAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      TokenAuthenticationRequest request, AuthenticationRequestContext context) {
    try {
      return Uni.createFrom().item(identity(authenticator.authenticate(request.token())));
    } catch (TidewaterException e) {
      return Uni.createFrom().failure(new AuthenticationFailedException(e.getMessage()));
    }
  }

  /** The identity of {@code principal}. */
  public static SecurityIdentity identity(Principal principal) {
    QuarkusSecurityIdentity.Builder b =
        QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal(principal.name()))
            .addAttribute(Principal.class.getName(), principal);
    if (principal.isAdmin()) {
      b.addRole("admin");
    }
    if (principal.mayReadMetrics()) {
      b.addRole("metrics");
    }
    return b.build();
  }
}
