package io.tidewater.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the lake. For the local-folder lake: the folder exists (or can be created) and is
 * writable. Object-store lakes are checked through their stores once those land (lake issue).
 */
@Readiness
@ApplicationScoped
public class LakeHealthCheck implements HealthCheck {

  private final TidewaterConfig config;

  LakeHealthCheck(TidewaterConfig config) {
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    String uri = config.lake().uri();
    HealthCheckResponseBuilder health = HealthCheckResponse.named("lake").withData("uri", uri);
    if (!uri.startsWith("file:")) {
      return health.down().withData("error", "only file: lakes are supported by this build").build();
    }
    Path folder = localFolder(uri);
    try {
      Files.createDirectories(folder);
      if (!Files.isWritable(folder)) {
        return health.down().withData("error", folder + " is not writable").build();
      }
      return health.up().withData("folder", folder.toAbsolutePath().toString()).build();
    } catch (IOException e) {
      return health.down().withData("error", "cannot create " + folder + ": " + e.getMessage()).build();
    }
  }

  /** {@code file:/abs/path}, {@code file:///abs/path} and {@code file:relative/path}. */
  static Path localFolder(String uri) {
    URI parsed = URI.create(uri);
    return parsed.isOpaque() ? Path.of(parsed.getSchemeSpecificPart()) : Path.of(parsed);
  }
}
