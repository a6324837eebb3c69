package io.tidewater.federation.influxql;

/**
 * InfluxQL's lexical scanner, a port of InfluxDB's own (influxdata/influxql, scanner.go) so that
 * tokens, positions and the cases it rejects are the same: identifiers bare or in double quotes,
 * keywords case-insensitive, strings in single quotes with {@code \n \\ \" \'} escapes, integers,
 * numbers and durations ({@code 10s}, {@code 1h30m}, {@code 1733290000000ms}), bound parameters
 * ({@code $name}), {@code --} and block comments, and regexes between slashes when the parser asks
 * for one ({@link #scanRegex}). {@code \r\n} counts as one newline.
 */
public final class Scanner {

  private static final int EOF = 0;

  private final Reader r;

  public Scanner(String text) {
    this.r = new Reader(text);
  }

  /** The next character the scanner would read, without reading it; 0 at the end. */
  int peek() {
    int ch = r.read().ch();
    if (ch != EOF) {
      r.unread();
    }
    return ch;
  }

  /** The next token. */
  public Lexeme scan() {
    Reader.Ch c0 = r.read();
    int ch0 = c0.ch();
    Pos pos = c0.pos();
    if (isWhitespace(ch0)) {
      return scanWhitespace();
    } else if (isLetter(ch0) || ch0 == '_') {
      r.unread();
      return scanIdent(true);
    } else if (isDigit(ch0)) {
      return scanNumber();
    }
    switch (ch0) {
      case EOF:
        return new Lexeme(Token.EOF, pos, "");
      case '"':
        r.unread();
        return scanIdent(true);
      case '\'':
        return scanString();
      case '.':
        {
          int ch1 = r.read().ch();
          r.unread();
          if (isDigit(ch1)) {
            return scanNumber();
          }
          return new Lexeme(Token.DOT, pos, "");
        }
      case '$':
        {
          Lexeme ident = scanIdent(false);
          return new Lexeme(
              ident.token() != Token.IDENT ? ident.token() : Token.BOUNDPARAM,
              pos,
              "$" + ident.literal());
        }
      case '+':
        return new Lexeme(Token.ADD, pos, "");
      case '-':
        if (r.read().ch() == '-') {
          skipUntilNewline();
          return new Lexeme(Token.COMMENT, pos, "");
        }
        r.unread();
        return new Lexeme(Token.SUB, pos, "");
      case '*':
        return new Lexeme(Token.MUL, pos, "");
      case '/':
        if (r.read().ch() == '*') {
          return new Lexeme(skipUntilEndComment() ? Token.COMMENT : Token.ILLEGAL, pos, "");
        }
        r.unread();
        return new Lexeme(Token.DIV, pos, "");
      case '%':
        return new Lexeme(Token.MOD, pos, "");
      case '&':
        return new Lexeme(Token.BITWISE_AND, pos, "");
      case '|':
        return new Lexeme(Token.BITWISE_OR, pos, "");
      case '^':
        return new Lexeme(Token.BITWISE_XOR, pos, "");
      case '=':
        if (r.read().ch() == '~') {
          return new Lexeme(Token.EQREGEX, pos, "");
        }
        r.unread();
        return new Lexeme(Token.EQ, pos, "");
      case '!':
        {
          int ch1 = r.read().ch();
          if (ch1 == '=') {
            return new Lexeme(Token.NEQ, pos, "");
          } else if (ch1 == '~') {
            return new Lexeme(Token.NEQREGEX, pos, "");
          }
          r.unread();
          break;
        }
      case '>':
        if (r.read().ch() == '=') {
          return new Lexeme(Token.GTE, pos, "");
        }
        r.unread();
        return new Lexeme(Token.GT, pos, "");
      case '<':
        {
          int ch1 = r.read().ch();
          if (ch1 == '=') {
            return new Lexeme(Token.LTE, pos, "");
          } else if (ch1 == '>') {
            return new Lexeme(Token.NEQ, pos, "");
          }
          r.unread();
          return new Lexeme(Token.LT, pos, "");
        }
      case '(':
        return new Lexeme(Token.LPAREN, pos, "");
      case ')':
        return new Lexeme(Token.RPAREN, pos, "");
      case ',':
        return new Lexeme(Token.COMMA, pos, "");
      case ';':
        return new Lexeme(Token.SEMICOLON, pos, "");
      case ':':
        if (r.read().ch() == ':') {
          return new Lexeme(Token.DOUBLECOLON, pos, "");
        }
        r.unread();
        return new Lexeme(Token.COLON, pos, "");
      default:
        break;
    }
    return new Lexeme(Token.ILLEGAL, pos, new String(Character.toChars(ch0)));
  }

  /**
   * A regex between slashes, from the current position (the parser asks for one where InfluxQL
   * allows it); {@code \/} is a slash, other escapes are kept for the regex engine.
   */
  public Lexeme scanRegex() {
    Pos pos = r.curr().pos();
    StringBuilder out = new StringBuilder();
    if (r.read().ch() != '/') {
      return new Lexeme(Token.BADREGEX, pos, "");
    }
    while (true) {
      int ch0 = r.read().ch();
      if (ch0 == '/') {
        return new Lexeme(Token.REGEX, pos, out.toString());
      } else if (ch0 == EOF || ch0 == '\n') {
        return new Lexeme(Token.BADREGEX, pos, "");
      } else if (ch0 == '\\') {
        int ch1 = r.read().ch();
        if (ch1 == EOF) {
          return new Lexeme(Token.BADREGEX, pos, "");
        }
        if (ch1 == '/') {
          out.append('/');
        } else {
          r.unread(); // not an escape of ours: the backslash stays, for the regex
          out.append('\\');
        }
      } else {
        out.appendCodePoint(ch0);
      }
    }
  }

  private Lexeme scanWhitespace() {
    Reader.Ch first = r.curr();
    StringBuilder buf = new StringBuilder().appendCodePoint(first.ch());
    while (true) {
      int ch = r.read().ch();
      if (ch == EOF) {
        break;
      } else if (!isWhitespace(ch)) {
        r.unread();
        break;
      }
      buf.appendCodePoint(ch);
    }
    return new Lexeme(Token.WS, first.pos(), buf.toString());
  }

  private void skipUntilNewline() {
    int ch;
    do {
      ch = r.read().ch();
    } while (ch != '\n' && ch != EOF);
  }

  /** Skips to the end of a block comment; false if the text ends first. */
  private boolean skipUntilEndComment() {
    while (true) {
      int ch1 = r.read().ch();
      if (ch1 == '*') {
        int ch2;
        do {
          ch2 = r.read().ch();
        } while (ch2 == '*');
        if (ch2 == '/') {
          return true;
        } else if (ch2 == EOF) {
          return false;
        }
      } else if (ch1 == EOF) {
        return false;
      }
    }
  }

  private Lexeme scanIdent(boolean lookup) {
    Pos pos = r.read().pos();
    r.unread();
    StringBuilder buf = new StringBuilder();
    while (true) {
      int ch = r.read().ch();
      if (ch == EOF) {
        break;
      } else if (ch == '"') {
        Lexeme quoted = scanString();
        if (quoted.token() == Token.BADSTRING || quoted.token() == Token.BADESCAPE) {
          return quoted;
        }
        return new Lexeme(Token.IDENT, pos, quoted.literal());
      } else if (isIdentChar(ch)) {
        r.unread();
        scanBareIdent(buf);
      } else {
        r.unread();
        break;
      }
    }
    String lit = buf.toString();
    if (lookup) {
      Token tok = Token.lookup(lit);
      if (tok != Token.IDENT) {
        return new Lexeme(tok, pos, "");
      }
    }
    return new Lexeme(Token.IDENT, pos, lit);
  }

  private void scanBareIdent(StringBuilder buf) {
    while (true) {
      int ch = r.read().ch();
      if (ch == EOF) {
        break;
      } else if (!isIdentChar(ch)) {
        r.unread();
        break;
      }
      buf.appendCodePoint(ch);
    }
  }

  /** A quoted string whose opening quote is the current character. */
  private Lexeme scanString() {
    r.unread();
    Pos pos = r.curr().pos();
    int ending = r.read().ch();
    StringBuilder buf = new StringBuilder();
    while (true) {
      int ch0 = r.read().ch();
      if (ch0 == ending) {
        return new Lexeme(Token.STRING, pos, buf.toString());
      } else if (ch0 == EOF || ch0 == '\n') {
        return new Lexeme(Token.BADSTRING, pos, buf.toString());
      } else if (ch0 == '\\') {
        int ch1 = r.read().ch();
        switch (ch1) {
          case 'n' -> buf.append('\n');
          case '\\' -> buf.append('\\');
          case '"' -> buf.append('"');
          case '\'' -> buf.append('\'');
          default -> {
            String bad = "\\" + (ch1 == EOF ? "" : new String(Character.toChars(ch1)));
            return new Lexeme(Token.BADESCAPE, r.curr().pos(), bad);
          }
        }
      } else {
        buf.appendCodePoint(ch0);
      }
    }
  }

  private Lexeme scanNumber() {
    StringBuilder buf = new StringBuilder();
    Reader.Ch c = r.curr();
    Pos pos = c.pos();
    if (c.ch() == '.') {
      int ch1 = r.read().ch();
      r.unread();
      if (!isDigit(ch1)) {
        return new Lexeme(Token.ILLEGAL, pos, ".");
      }
      r.unread();
    } else {
      r.unread();
    }
    buf.append(scanDigits());
    boolean decimal = false;
    if (r.read().ch() == '.') {
      decimal = true;
      int ch1 = r.read().ch();
      if (isDigit(ch1)) {
        buf.append('.').appendCodePoint(ch1).append(scanDigits());
      } else {
        r.unread();
      }
    } else {
      r.unread();
    }
    if (decimal) {
      return new Lexeme(Token.NUMBER, pos, buf.toString());
    }
    int ch0 = r.read().ch();
    if (!isLetter(ch0) && ch0 != 'µ') {
      r.unread();
      return new Lexeme(Token.INTEGER, pos, buf.toString());
    }
    // A letter after the digits: a duration; its unit, then any further digits and letters
    // (1h30m).
    buf.appendCodePoint(ch0);
    while (true) {
      int ch1 = r.read().ch();
      if (!isLetter(ch1) && ch1 != 'µ') {
        r.unread();
        break;
      }
      buf.appendCodePoint(ch1);
    }
    while (true) {
      int ch1 = r.read().ch();
      if (isLetter(ch1) || ch1 == 'µ' || isDigit(ch1)) {
        buf.appendCodePoint(ch1);
      } else {
        r.unread();
        break;
      }
    }
    return new Lexeme(Token.DURATIONVAL, pos, buf.toString());
  }

  private String scanDigits() {
    StringBuilder buf = new StringBuilder();
    while (true) {
      int ch = r.read().ch();
      if (!isDigit(ch)) {
        r.unread();
        return buf.toString();
      }
      buf.appendCodePoint(ch);
    }
  }

  static boolean isWhitespace(int ch) {
    return ch == ' ' || ch == '\t' || ch == '\n';
  }

  static boolean isLetter(int ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
  }

  static boolean isDigit(int ch) {
    return ch >= '0' && ch <= '9';
  }

  static boolean isIdentChar(int ch) {
    return isLetter(ch) || isDigit(ch) || ch == '_';
  }

  /**
   * Code points with their positions, any of the last three readable again (the scanner looks ahead
   * by up to two).
   */
  private static final class Reader {
    record Ch(int ch, Pos pos) {}

    private final String text;
    private int offset;
    private final Ch[] buf = new Ch[3];
    private int i;
    private int n;
    private int line;
    private int column;
    private boolean eof;

    Reader(String text) {
      this.text = text;
    }

    Ch read() {
      if (n > 0) {
        n--;
        return curr();
      }
      int ch;
      int start = offset;
      if (offset >= text.length()) {
        ch = EOF;
      } else {
        ch = text.codePointAt(offset);
        offset += Character.charCount(ch);
        if (ch == '\r') {
          if (offset < text.length() && text.charAt(offset) == '\n') {
            offset++;
          }
          ch = '\n';
        } else if (ch == 0) {
          ch = 0xFFFD; // a NUL in the text is not the end of it
        }
      }
      i = (i + 1) % buf.length;
      buf[i] = new Ch(ch, new Pos(line, column, start));
      if (ch == '\n') {
        line++;
        column = 0;
      } else if (!eof) {
        column++;
      }
      if (ch == EOF) {
        eof = true;
      }
      return curr();
    }

    void unread() {
      n++;
    }

    Ch curr() {
      Ch c = buf[(i - n + buf.length) % buf.length];
      return c == null ? new Ch(EOF, new Pos(0, 0)) : c;
    }
  }
}
