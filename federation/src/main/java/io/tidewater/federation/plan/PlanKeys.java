package io.tidewater.federation.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Result cache keys of plans made for query shapes: the printed plan with each parameterized {@link
 * TimeSpan} replaced by the range it resolves to in a run, so texts that differ only in how they
 * spell the same bounds (their order, BETWEEN or two comparisons) share results as literal plans
 * always did.
 */
public final class PlanKeys {

  private static final String OPEN = "\u27e6";
  private static final String CLOSE = "\u27e7";
  private static final Pattern TOKEN = Pattern.compile(OPEN + "(\\d+)" + CLOSE);

  private static final ThreadLocal<List<TimeSpan>> TOKENS = new ThreadLocal<>();

  private PlanKeys() {}

  /**
   * How a parameterized span prints: symbolically (Volcano tells plans apart by their print), or,
   * while {@link #template} prints a plan, as a token for its range in each run.
   */
  static String print(TimeSpan span, String symbolic) {
    List<TimeSpan> tokens = TOKENS.get();
    if (tokens == null || !span.parameterized()) {
      return symbolic;
    }
    tokens.add(span);
    return OPEN + (tokens.size() - 1) + CLOSE;
  }

  /** The key template of the plan {@code printer} prints on this thread. */
  public static Template template(Supplier<String> printer) {
    List<TimeSpan> spans = new ArrayList<>();
    TOKENS.set(spans);
    try {
      return new Template(printer.get(), List.copyOf(spans));
    } finally {
      TOKENS.remove();
    }
  }

  /** A printed plan with its spans as tokens. */
  public record Template(String text, List<TimeSpan> spans) {

    /**
     * The key of a run with {@code binding} ({@code values}, in order): each token replaced by its
     * range; where a {@code ?} is left, the values are appended.
     */
    public String key(Binding binding, List<Object> values) {
      if (spans.isEmpty() && values.isEmpty()) {
        return text;
      }
      Matcher m = TOKEN.matcher(text);
      StringBuilder key = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(
            key,
            Matcher.quoteReplacement(
                spans.get(Integer.parseInt(m.group(1))).resolve(binding).toString()));
      }
      m.appendTail(key);
      if (key.indexOf("?") >= 0) {
        // A parameter outside the spans (a condition Calcite evaluates itself), or a '?' in a
        // literal: the values make the key exact.
        key.append('\n');
        for (Object v : values) {
          appendValue(key, v);
        }
      }
      return key.toString();
    }

    /**
     * A value as no other list of values writes it: its type and length before it ({@code ["a, b",
     * "c"]} and {@code ["a", "b, c"]} print alike in a list).
     */
    private static void appendValue(StringBuilder key, Object v) {
      String text = String.valueOf(v);
      key.append(v == null ? "null" : v.getClass().getSimpleName())
          .append(':')
          .append(text.length())
          .append(':')
          .append(text)
          .append(';');
    }
  }
}
