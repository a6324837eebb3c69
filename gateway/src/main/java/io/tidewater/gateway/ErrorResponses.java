package io.tidewater.gateway;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.gateway.auth.TokenAuthenticationMechanism;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Errors as JSON {@code {"code": ..., "message": ...}}, the status following the code's kind. */
public class ErrorResponses {

  @ServerExceptionMapper
  public Response map(TidewaterException e) {
    Response.ResponseBuilder response =
        Response.status(status(e.code()))
            .type(MediaType.APPLICATION_JSON)
            .entity(Map.of("code", e.code().name(), "message", e.getMessage()));
    if (e.code() == ErrorCode.TOO_BUSY) {
      response.header("Retry-After", "1");
    }
    if (e.code() == ErrorCode.UNAUTHENTICATED) {
      response.header("WWW-Authenticate", TokenAuthenticationMechanism.CHALLENGE);
    }
    return response.build();
  }

  static int status(ErrorCode code) {
    return switch (code) {
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case TOO_BUSY -> 429;
      case QUERY_CANCELLED -> 503;
      case NOT_FOUND -> 404;
      case BUSY, LEASE_HELD, LAKE_CONFLICT -> 409;
      case INFLUXDB_UNAVAILABLE, LAKE_UNAVAILABLE, LAKE_OBJECT_MISSING -> 502;
      case INTERNAL -> 500;
      default ->
          code.kind() == ErrorCode.Kind.USER
              ? 400
              : code.kind() == ErrorCode.Kind.EXTERNAL ? 502 : 500;
    };
  }
}
