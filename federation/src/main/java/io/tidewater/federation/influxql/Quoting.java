package io.tidewater.federation.influxql;

/** InfluxQL's quoting of identifiers and strings, as InfluxDB prints them (QuoteIdent). */
public final class Quoting {

  private Quoting() {}

  /** Segments joined by dots, each quoted where a bare name would not read back the same. */
  public static String identifier(String... segments) {
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < segments.length; k++) {
      String s = segments[k];
      boolean quote =
          needsQuotes(s)
              || (k < segments.length - 1 && !s.isEmpty())
              || ((k == 0 || k == segments.length - 1) && s.isEmpty());
      if (quote) {
        out.append('"');
      }
      out.append(escape(s, '"'));
      if (quote) {
        out.append('"');
      }
      if (k < segments.length - 1) {
        out.append('.');
      }
    }
    return out.toString();
  }

  /** A single-quoted string. */
  public static String string(String s) {
    return "'" + escape(s, '\'') + "'";
  }

  /** A regex literal between slashes. */
  public static String regex(String source) {
    return "/" + source.replace("/", "\\/") + "/";
  }

  private static boolean needsQuotes(String ident) {
    if (Token.lookup(ident) != Token.IDENT) {
      return true;
    }
    for (int k = 0; k < ident.length(); ) {
      int ch = ident.codePointAt(k);
      if (k == 0 ? !(Scanner.isLetter(ch) || ch == '_') : !Scanner.isIdentChar(ch)) {
        return true;
      }
      k += Character.charCount(ch);
    }
    return false;
  }

  private static String escape(String s, char quote) {
    StringBuilder out = new StringBuilder(s.length());
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '\n') {
        out.append("\\n");
      } else if (c == '\\' || c == quote) {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
