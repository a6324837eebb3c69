package io.tidewater.federation.functions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.regex.Pattern;

/**
 * InfluxQL's regex conditions in SQL: {@value #MATCHES}{@code (tag, 'regex')} for {@code tag =~
 * /regex/} and {@value #NOT_MATCHES} for {@code !~}. Unanchored, as InfluxDB matches; an absent tag
 * (null) is matched as the empty string, as InfluxDB matches a series without the tag. The InfluxDB
 * adapter sends them on as InfluxQL regexes.
 */
public final class RegexMatch {

  /** The function {@code =~} becomes. */
  public static final String MATCHES = "TIDEWATER_REGEX";

  /** The function {@code !~} becomes. */
  public static final String NOT_MATCHES = "TIDEWATER_NOT_REGEX";

  /** Patterns by their text: a statement calls the function once per row. */
  private static final Cache<String, Pattern> PATTERNS =
      Caffeine.newBuilder().maximumSize(1000).build();

  private RegexMatch() {}

  /** Whether {@code regex} matches somewhere in {@code value} (null read as ""). */
  public static boolean matches(String value, String regex) {
    return PATTERNS.get(regex, Pattern::compile).matcher(value == null ? "" : value).find();
  }

  /** Whether {@code regex} matches nowhere in {@code value} (null read as ""). */
  public static boolean notMatches(String value, String regex) {
    return !matches(value, regex);
  }
}
