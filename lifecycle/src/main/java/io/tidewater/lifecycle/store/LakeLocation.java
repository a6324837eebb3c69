package io.tidewater.lifecycle.store;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a lake lives, parsed once from its URI: {@code file:<folder>}, {@code s3://bucket/prefix}
 * or {@code abfss://filesystem@account.dfs.core.windows.net/prefix}.
 */
public sealed interface LakeLocation
    permits LakeLocation.Local, LakeLocation.S3, LakeLocation.Azure {

  /** The canonical URI of the lake's root. */
  String uri();

  /** The URI of one object of the lake, for messages. */
  default String uriOf(String key) {
    return uri().endsWith("/") ? uri() + key : uri() + "/" + key;
  }

  /** A folder on the local file system. */
  record Local(Path root) implements LakeLocation {
    @Override
    public String uri() {
      return root.toAbsolutePath().normalize().toUri().toString().replaceAll("/$", "");
    }
  }

  /** A bucket and key prefix (no leading or trailing slash; may be empty). */
  record S3(String bucket, String prefix) implements LakeLocation {
    @Override
    public String uri() {
      return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
  }

  /**
   * An ADLS Gen2 file system (a Blob container) of an account, and a path prefix in it.
   *
   * @param endpointSuffix the DFS host's suffix, e.g. {@code dfs.core.windows.net}
   */
  record Azure(String fileSystem, String account, String endpointSuffix, String prefix)
      implements LakeLocation {
    @Override
    public String uri() {
      return "abfss://"
          + fileSystem
          + "@"
          + account
          + "."
          + endpointSuffix
          + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    /** The Blob API endpoint of the account, which ADLS Gen2 serves beside DFS. */
    public URI blobEndpoint() {
      return URI.create(
          "https://" + account + "." + endpointSuffix.replaceFirst("^dfs\\.", "blob.") + "/");
    }
  }

  Pattern S3_BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  Pattern AZURE_FILE_SYSTEM = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");
  Pattern AZURE_ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");

  /** Parses a lake URI, failing with a message that says what a valid one looks like. */
  static LakeLocation parse(String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw invalid(text, "not a URI (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "file" -> local(text, uri);
      case "s3" -> s3(text, uri);
      case "abfss" -> azure(text, uri);
      default ->
          throw invalid(
              text,
              "unsupported scheme '"
                  + scheme
                  + "'; use file:<folder>, s3://bucket/prefix"
                  + " or abfss://filesystem@account.dfs.core.windows.net/prefix");
    };
  }

  private static LakeLocation local(String text, URI uri) {
    if (uri.isOpaque()) {
      String path = uri.getSchemeSpecificPart();
      if (path.isEmpty()) {
        throw invalid(text, "file: needs a folder, e.g. file:lake or file:/var/lib/tidewater/lake");
      }
      return new Local(Path.of(path));
    }
    if (uri.getAuthority() != null && !uri.getAuthority().equals("localhost")) {
      throw invalid(
          text,
          "file URIs name a local folder; '" + uri.getAuthority() + "' is a host (use file:/path)");
    }
    return new Local(Path.of(uri.getPath()));
  }

  private static LakeLocation s3(String text, URI uri) {
    String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw invalid(text, "s3 URIs need a bucket: s3://bucket/prefix");
    }
    if (!S3_BUCKET.matcher(bucket).matches()) {
      throw invalid(
          text,
          "'"
              + bucket
              + "' is not a valid S3 bucket name (3-63 lower-case letters, digits, '.' and '-')");
    }
    return new S3(bucket, prefix(uri));
  }

  private static LakeLocation azure(String text, URI uri) {
    String fileSystem = uri.getUserInfo();
    String host = uri.getHost();
    if (fileSystem == null || host == null || !host.contains(".")) {
      throw invalid(
          text,
          "abfss URIs name a file system and an account: abfss://filesystem@account.dfs.core.windows.net/prefix");
    }
    if (!AZURE_FILE_SYSTEM.matcher(fileSystem).matches()) {
      throw invalid(
          text,
          "'"
              + fileSystem
              + "' is not a valid file system (container) name (3-63 lower-case letters,"
              + " digits and single '-')");
    }
    String account = host.substring(0, host.indexOf('.'));
    String suffix = host.substring(host.indexOf('.') + 1);
    if (!AZURE_ACCOUNT.matcher(account).matches()) {
      throw invalid(
          text,
          "'"
              + account
              + "' is not a valid storage account name (3-24 lower-case letters and digits)");
    }
    if (!suffix.startsWith("dfs.")) {
      throw invalid(
          text, "abfss URIs use the account's DFS host, e.g. " + account + ".dfs.core.windows.net");
    }
    return new Azure(fileSystem, account, suffix, prefix(uri));
  }

  private static String prefix(URI uri) {
    String path = uri.getPath() == null ? "" : uri.getPath();
    return path.replaceAll("^/+", "").replaceAll("/+$", "");
  }

  private static TidewaterException invalid(String text, String why) {
    return new TidewaterException(
        ErrorCode.INVALID_LAKE_CONFIG, "invalid lake URI '" + text + "': " + why);
  }
}
