package io.tidewater.gateway;

import io.quarkus.runtime.Startup;
import io.tidewater.policy.PolicyException;
import io.tidewater.policy.PolicySet;
import io.tidewater.policy.TieringPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The tiering policies this gateway runs, loaded once at start-up from {@code
 * tidewater.policies.folder}. A bad policy file fails start-up with the parser's message (file,
 * line, field), so the gateway never runs on a half-loaded configuration.
 */
@Startup
@ApplicationScoped
public class PolicyRegistry {

  private static final Logger LOG = Logger.getLogger(PolicyRegistry.class);

  private final PolicySet policies;

  PolicyRegistry(TidewaterConfig config) {
    this.policies =
        config
            .policies()
            .folder()
            .map(
                folder -> {
                  PolicySet loaded;
                  try {
                    loaded = PolicySet.load(folder);
                  } catch (PolicyException e) {
                    throw new PolicyException(
                        e.problems(),
                        "Invalid tiering policies in "
                            + folder.toAbsolutePath()
                            + " (tidewater.policies.folder); the gateway does not start until they are fixed:");
                  }
                  LOG.infof(
                      "Loaded %d tiering policies from %s: %s",
                      loaded.policies().size(),
                      folder.toAbsolutePath(),
                      loaded.policies().stream().map(TieringPolicy::name).toList());
                  return loaded;
                })
            .orElseGet(
                () -> {
                  LOG.info(
                      "No policy folder configured (tidewater.policies.folder): nothing will be exported");
                  return PolicySet.parse(List.of());
                });
  }

  public PolicySet policies() {
    return policies;
  }
}
