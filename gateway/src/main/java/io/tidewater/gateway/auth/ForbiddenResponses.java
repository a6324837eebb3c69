package io.tidewater.gateway.auth;

import io.quarkus.security.ForbiddenException;
import io.tidewater.error.ErrorCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A path permission refused to an authenticated caller (metrics or OpenAPI without the metrics
 * scope) answers 403 with the gateway's JSON error body instead of an empty one.
 */
@ApplicationScoped
public class ForbiddenResponses {

  void install(@Observes Router router) {
    router
        .route()
        .failureHandler(
            context -> {
              if (context.failure() instanceof ForbiddenException && !context.response().ended()) {
                context
                    .response()
                    .setStatusCode(403)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(
                        new JsonObject()
                            .put("code", ErrorCode.FORBIDDEN.name())
                            .put(
                                "message",
                                "this token may not read "
                                    + context.request().path()
                                    + " (metrics and the OpenAPI document need the metrics scope)")
                            .encode());
              } else {
                context.next();
              }
            });
  }
}
