package io.tidewater.federation.influxql;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Strings escaped as Go's encoding/json escapes them in InfluxDB's answers: {@code <}, {@code >},
 * {@code &}, control characters other than newline, return and tab, and the line and paragraph
 * separators U+2028 and U+2029 as {@code \\u} and four lower-case hex digits.
 */
public final class GoJsonEscapes extends CharacterEscapes {

  private static final long serialVersionUID = 1L;

  /** The one instance; set it on a generator with {@code setCharacterEscapes}. */
  public static final GoJsonEscapes INSTANCE = new GoJsonEscapes();

  private final int[] ascii;

  private GoJsonEscapes() {
    ascii = standardAsciiEscapesForJSON();
    for (int c = 0; c < 0x20; c++) {
      if (c != '\n' && c != '\r' && c != '\t') {
        ascii[c] = ESCAPE_CUSTOM; // four lower-case hex digits, as Go writes them
      }
    }
    ascii['<'] = ESCAPE_CUSTOM;
    ascii['>'] = ESCAPE_CUSTOM;
    ascii['&'] = ESCAPE_CUSTOM;
  }

  @Override
  public int[] getEscapeCodesForAscii() {
    return ascii;
  }

  @Override
  public SerializableString getEscapeSequence(int ch) {
    if (ch < 0x80 && ascii[ch] == ESCAPE_CUSTOM || ch == 0x2028 || ch == 0x2029) {
      return new SerializedString(String.format("\\u%04x", ch));
    }
    return null;
  }
}
