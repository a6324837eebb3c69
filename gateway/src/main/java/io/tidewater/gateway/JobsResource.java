package io.tidewater.gateway;

import io.quarkus.security.identity.SecurityIdentity;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.gateway.auth.Callers;
import io.tidewater.gateway.auth.Principal;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** The export jobs: their state, and runs and backfills on request. */
@Path("/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

  private final ExportService exports;
  private final ChangeCaptureService changes;
  private final SecurityIdentity identity;
  private final Audit audit;

  JobsResource(
      ExportService exports, ChangeCaptureService changes, SecurityIdentity identity, Audit audit) {
    this.exports = exports;
    this.changes = changes;
    this.identity = identity;
    this.audit = audit;
  }

  /** The caller, who must hold the admin scope. */
  private Principal admin() {
    Principal caller = Callers.of(identity);
    Callers.requireAdmin(caller);
    return caller;
  }

  /**
   * Per policy: running or not, the last run's windows, rows, bytes and failures, the lag behind
   * now, and the windows change capture found changed since their export.
   */
  @GET
  public List<JobStatus> jobs() {
    admin();
    return exports.statuses().stream().map(s -> s.withChanges(changes.status(s.policy()))).toList();
  }

  @GET
  @Path("/{policy}")
  public JobStatus job(@PathParam("policy") String policy) {
    admin();
    JobStatus s = exports.status(policy);
    return s.withChanges(changes.status(policy));
  }

  /**
   * Starts an export of every due window the lake lacks; 202, or 409 if the policy is already
   * exporting.
   */
  @POST
  @Path("/{policy}/run")
  public Response run(@PathParam("policy") String policy) {
    Principal caller = admin();
    JobStatus started = exports.start(policy);
    audit.record(caller, "job.run", policy, 0, Duration.ZERO, "started");
    return Response.accepted(started).build();
  }

  /**
   * Re-exports the due windows of {@code [from, to)} (ISO-8601 instants) as new versions; windows
   * InfluxDB now holds fewer values of than the lake are left alone (reported in the run) unless
   * {@code replace=true}.
   */
  @POST
  @Path("/{policy}/backfill")
  public Response backfill(
      @PathParam("policy") String policy,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("replace") boolean replace) {
    Principal caller = admin();
    JobStatus started = exports.backfill(policy, instant("from", from), instant("to", to), replace);
    audit.record(
        caller,
        "job.backfill",
        policy + " " + from + " to " + to + (replace ? " replace" : ""),
        0,
        Duration.ZERO,
        "started");
    return Response.accepted(started).build();
  }

  /**
   * Compares InfluxDB's values per window with the lake's now (as the scheduled reconciliation
   * does): windows the lake lacks values of are marked for re-export. Answers what it found.
   */
  @POST
  @Path("/{policy}/reconcile")
  public JobStatus.Reconciliation reconcile(@PathParam("policy") String policy) {
    Principal caller = admin();
    long started = System.nanoTime();
    JobStatus.Reconciliation found = changes.reconcile(policy);
    audit.record(
        caller, "job.reconcile", policy, 0, Duration.ofNanos(System.nanoTime() - started), "ok");
    return found;
  }

  private static Instant instant(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new TidewaterException(
          ErrorCode.BAD_REQUEST,
          "query parameter '"
              + name
              + "' is required: an ISO-8601 instant such as 2025-01-15T00:00:00Z");
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new TidewaterException(
          ErrorCode.BAD_REQUEST,
          "query parameter '"
              + name
              + "' is not an ISO-8601 instant: '"
              + value
              + "' (e.g. 2025-01-15T00:00:00Z)");
    }
  }
}
