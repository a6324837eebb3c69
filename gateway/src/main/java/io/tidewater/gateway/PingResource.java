package io.tidewater.gateway;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Set;

/**
 * InfluxDB's {@code /ping}, which its clients (the {@code influx} CLI, client libraries, Telegraf,
 * load balancers) call before anything else: 204 with {@code X-Influxdb-Version} and {@code
 * X-Influxdb-Build}, or 200 with the version as JSON with {@code verbose=true}. Open to every
 * caller, as InfluxDB's is: it tells nothing but the version of the API served.
 */
@Path("/ping")
public class PingResource {

  /** The InfluxDB API this gateway answers as (1.x's HTTP API). */
  static final String API_VERSION = "1.8.10";

  /** What InfluxDB puts in X-Influxdb-Build (OSS, ENT): here the gateway's own name. */
  static final String BUILD = "Tidewater";

  private static final Set<String> QUIET = Set.of("", "0", "false");

  @GET
  public Response ping(@QueryParam("verbose") String verbose) {
    if (verbose != null && !QUIET.contains(verbose)) {
      return headers(Response.ok(Map.of("version", API_VERSION), MediaType.APPLICATION_JSON));
    }
    return headers(Response.noContent());
  }

  @HEAD
  public Response head() {
    return headers(Response.noContent());
  }

  private static Response headers(Response.ResponseBuilder response) {
    return response
        .header("X-Influxdb-Version", API_VERSION)
        .header("X-Influxdb-Build", BUILD)
        .build();
  }
}
