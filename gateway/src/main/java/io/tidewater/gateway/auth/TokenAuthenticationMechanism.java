package io.tidewater.gateway.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a request's token in any of InfluxDB's forms ({@link Credentials}) and has it checked by
 * {@link TokenIdentityProvider}. A request without one stays anonymous, which the path permissions
 * refuse everywhere but the health probes, with a 401 whose JSON body says what to send. With auth
 * disabled every request is unrestricted.
 */
@ApplicationScoped
public class TokenAuthenticationMechanism implements HttpAuthenticationMechanism {

  /** What a 401 offers: a token, or Basic with the token as password. */
  public static final String CHALLENGE = "Token realm=\"tidewater\", Basic realm=\"tidewater\"";

  private static final String PROBLEM = "tidewater.auth.problem";

  private final Authenticator authenticator;

  TokenAuthenticationMechanism(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identities) {
    if (!authenticator.enabled()) {
      return Uni.createFrom().item(TokenIdentityProvider.identity(Principal.UNRESTRICTED));
    }
    Optional<String> token;
    try {
      token =
          Credentials.token(
              context.request().getHeader(HttpHeaders.AUTHORIZATION),
              context.request().getParam("p"));
    } catch (TidewaterException e) {
      context.put(PROBLEM, e.getMessage());
      return Uni.createFrom().failure(new AuthenticationFailedException(e.getMessage()));
    }
    if (token.isEmpty() || isForeignBearer(context)) {
      // No credential, or an identity provider's JWT: another mechanism's (or anonymous).
      return Uni.createFrom().optional(Optional.empty());
    }
    return identities
        .authenticate(
            HttpSecurityUtils.setRoutingContextAttribute(
                new TokenAuthenticationRequest(token.get()), context))
        .onFailure()
        .invoke(e -> context.put(PROBLEM, e.getMessage()));
  }

  /** A Bearer credential that is not one of the gateway's tokens: a JWT for the JWT mechanism. */
  private static boolean isForeignBearer(RoutingContext context) {
    String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
    return header != null
        && header.regionMatches(true, 0, "Bearer ", 0, 7)
        && !header.substring(7).strip().startsWith(TokenHash.PREFIX);
  }

  /** Before the JWT mechanism: the gateway's own tokens and its JSON 401 come first. */
  @Override
  public int getPriority() {
    return DEFAULT_PRIORITY + 1000;
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", CHALLENGE));
  }

  /** A 401 with the gateway's JSON error body (the default has none). */
  @Override
  public Uni<Boolean> sendChallenge(RoutingContext context) {
    HttpServerResponse response = context.response();
    if (response.ended()) {
      return Uni.createFrom().item(true);
    }
    String problem = context.get(PROBLEM);
    String message =
        problem != null
            ? problem
            : "a token is required: send Authorization: Token <token> (or Basic with the token as"
                + " password, or the u and p query parameters)";
    response
        .setStatusCode(401)
        .putHeader("WWW-Authenticate", CHALLENGE)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(
            new JsonObject()
                .put("code", ErrorCode.UNAUTHENTICATED.name())
                .put("message", message)
                .encode());
    return Uni.createFrom().item(true);
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(TokenAuthenticationRequest.class);
  }
}
