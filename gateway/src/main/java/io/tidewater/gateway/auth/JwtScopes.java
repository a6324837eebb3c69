package io.tidewater.gateway.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import io.tidewater.error.TidewaterException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Gives an identity provider's verified JWT (SmallRye JWT: {@code mp.jwt.verify.publickey.location}
 * or a JWKS URL, and {@code mp.jwt.verify.issuer}) the gateway's scopes: those named, space
 * separated, in its {@code scope} claim (OAuth 2.0's), e.g. {@code "read:telegraf admin"}; its name
 * is the token's {@code preferred_username} or {@code sub}. Scopes the gateway does not know are
 * ignored (an identity provider's tokens carry others); a JWT without any is refused on every
 * endpoint as a token without scopes is.
 */
@ApplicationScoped
public class JwtScopes implements SecurityIdentityAugmentor {

  /** The claim holding the scopes. */
  static final String CLAIM = "scope";

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (identity.isAnonymous()
        || identity.getAttribute(Principal.class.getName()) != null
        || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
      return Uni.createFrom().item(identity);
    }
    List<Scope> scopes = new ArrayList<>();
    Object claim = jwt.getClaim(CLAIM);
    if (claim != null) {
      for (String s : claim.toString().replace('"', ' ').split("[\\s,\\[\\]]+")) {
        if (s.isBlank()) {
          continue;
        }
        try {
          scopes.add(Scope.parse(s));
        } catch (TidewaterException notOurs) {
          // another service's scope
        }
      }
    }
    Principal principal = new Principal("jwt:" + jwt.getName(), scopes);
    return Uni.createFrom().item(TokenIdentityProvider.identity(principal));
  }
}
