package io.tidewater.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;

/** The gateway's configuration (prefix {@code tidewater}); defaults are in application.properties. */
@ConfigMapping(prefix = "tidewater")
public interface TidewaterConfig {

  Influx influx();

  Lake lake();

  /** The InfluxDB the gateway exports from and queries. */
  interface Influx {
    /** Base URL of InfluxDB's HTTP API. */
    URI url();
  }

  /** The data lake. */
  interface Lake {
    /** Location of the lake: {@code file:<folder>} for a local folder. */
    @WithDefault("file:lake")
    String uri();
  }
}
