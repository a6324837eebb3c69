package io.tidewater.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** The gateway's configuration (prefix {@code tidewater}); defaults are in application.properties. */
@ConfigMapping(prefix = "tidewater")
public interface TidewaterConfig {

  Influx influx();

  Lake lake();

  Policies policies();

  /** The InfluxDB the gateway exports from and queries. */
  interface Influx {
    /** Base URL of InfluxDB's HTTP API. */
    URI url();
  }

  /** The tiering policies. */
  interface Policies {
    /**
     * Folder of policy files ({@code *.yaml}, {@code *.yml}), loaded at start-up; any invalid
     * policy stops start-up. Unset: no policies, so nothing is exported.
     */
    Optional<Path> folder();
  }

  /** The data lake. */
  interface Lake {
    /** Location of the lake: {@code file:<folder>} for a local folder. */
    @WithDefault("file:lake")
    String uri();
  }
}
