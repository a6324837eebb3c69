package io.tidewater.gateway;

import io.quarkus.runtime.StartupEvent;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.gateway.auth.Authenticator;
import io.tidewater.gateway.auth.TokenStore;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Authentication from the configuration: the token file's tokens, or nothing checked when auth is
 * explicitly disabled. Secure by default: auth enabled without a token file stops start-up.
 */
public class AuthBeans {

  private static final Logger LOG = Logger.getLogger(AuthBeans.class);

  /** Made at start-up, so a missing token file stops the gateway before it serves anything. */
  void atStartUp(@Observes StartupEvent start, Authenticator authenticator) {
    authenticator.enabled();
  }

  @Produces
  @Singleton
  Authenticator authenticator(TidewaterConfig config, Clock clock) {
    TidewaterConfig.Auth auth = config.auth();
    if (!auth.enabled()) {
      LOG.warn(
          "Authentication is OFF (tidewater.auth.enabled=false): anyone who reaches this port can"
              + " read every database, write and start jobs");
      return Authenticator.disabled();
    }
    if (auth.tokensFile().isEmpty()) {
      throw new TidewaterException(
          ErrorCode.INVALID_AUTH_CONFIG,
          "tidewater.auth.tokens-file is not set: create one (scripts/new-token.sh prints a token"
              + " and its entry) or set tidewater.auth.enabled=false explicitly");
    }
    TokenStore tokens = new TokenStore(auth.tokensFile().get(), clock);
    LOG.infof("Authentication on: %d tokens in %s", tokens.size(), auth.tokensFile().get());
    return Authenticator.of(tokens);
  }
}
