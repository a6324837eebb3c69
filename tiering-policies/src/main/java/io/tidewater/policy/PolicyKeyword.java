package io.tidewater.policy;

import java.util.Locale;

/**
 * An enum whose constants are written in policy files in lower case ({@code zstd}, {@code day}).
 */
public interface PolicyKeyword {

  String name();

  /** The spelling in policy files. */
  default String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
