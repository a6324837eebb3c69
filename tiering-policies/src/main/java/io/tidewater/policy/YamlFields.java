package io.tidewater.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads typed fields out of one YAML document's node tree, collecting a {@link PolicyProblem} at
 * the node's line for everything wrong (unknown, duplicate, missing or mistyped fields) instead of
 * stopping at the first, and remembering where each field was for later rule checks.
 */
final class YamlFields {

  private final String origin;
  private final Mark documentStart;
  private final List<PolicyProblem> problems = new ArrayList<>();
  private final Map<String, Mark> marks = new HashMap<>();

  YamlFields(String origin, Node document) {
    this.origin = origin;
    this.documentStart = document.getStartMark();
  }

  String origin() {
    return origin;
  }

  List<PolicyProblem> problems() {
    return problems;
  }

  void problem(Mark at, String field, String message) {
    problems.add(new PolicyProblem(origin, at.getLine() + 1, at.getColumn() + 1, field, message));
  }

  /**
   * Reports a rule broken at {@code field}, at the line of the field or of its nearest written
   * parent.
   */
  void problem(FieldProblem p) {
    String path = p.field();
    Mark at = marks.get(path);
    while (at == null && path.contains(".")) {
      path = path.substring(0, path.lastIndexOf('.'));
      at = marks.get(path);
    }
    problem(at != null ? at : documentStart, p.field(), p.message());
  }

  /** A mapping's fields by key; reports keys not in {@code allowed} and keys given twice. */
  Optional<Fields> mapping(Node node, String path, List<String> allowed, String example) {
    if (!(node instanceof MappingNode map)) {
      problem(
          node.getStartMark(),
          path,
          "expected a mapping like " + example + ", found " + describe(node));
      return Optional.empty();
    }
    Map<String, Node> values = new LinkedHashMap<>();
    for (NodeTuple tuple : map.getValue()) {
      Node keyNode = tuple.getKeyNode();
      String key = keyNode instanceof ScalarNode s ? s.getValue() : null;
      String field = path.isEmpty() ? key : path + "." + key;
      if (key == null) {
        problem(
            keyNode.getStartMark(),
            path,
            "field names must be plain words, found " + describe(keyNode));
      } else if (!allowed.contains(key)) {
        problem(
            keyNode.getStartMark(),
            field,
            "unknown field"
                + suggestion(key, allowed)
                + "; allowed "
                + (path.isEmpty() ? "at the top" : "in " + path)
                + ": "
                + String.join(", ", allowed));
      } else if (values.containsKey(key)) {
        problem(keyNode.getStartMark(), field, "given twice");
      } else {
        values.put(key, tuple.getValueNode());
        marks.put(field, tuple.getValueNode().getStartMark());
      }
    }
    marks.putIfAbsent(path, node.getStartMark());
    return Optional.of(new Fields(path, node, values));
  }

  /** The fields of one mapping, with typed accessors that report problems and return empty. */
  final class Fields {
    private final String path;
    private final Node node;
    private final Map<String, Node> values;

    private Fields(String path, Node node, Map<String, Node> values) {
      this.path = path;
      this.node = node;
      this.values = values;
    }

    String field(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
      return values.containsKey(key);
    }

    Optional<Node> optional(String key) {
      Node value = values.get(key);
      if (value instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
        problem(value.getStartMark(), field(key), "is empty; give a value or leave the field out");
        return Optional.empty();
      }
      return Optional.ofNullable(value);
    }

    Optional<Node> required(String key, String hint) {
      if (!values.containsKey(key)) {
        problem(node.getStartMark(), field(key), "is required (" + hint + ")");
        return Optional.empty();
      }
      return optional(key);
    }

    /**
     * A scalar converted by {@code parse}, whose IllegalArgumentException message is reported here.
     */
    <T> Optional<T> scalar(String key, Function<String, T> parse) {
      return optional(key).flatMap(n -> convert(n, field(key), parse));
    }

    <T> Optional<T> requiredScalar(String key, String hint, Function<String, T> parse) {
      return required(key, hint).flatMap(n -> convert(n, field(key), parse));
    }

    /**
     * A list of scalars (a single scalar counts as a list of one), each converted by {@code parse}.
     */
    <T> Optional<List<T>> list(String key, Function<String, T> parse) {
      return optional(key).flatMap(n -> scalars(n, field(key), parse));
    }

    <T> Optional<List<T>> requiredList(String key, String hint, Function<String, T> parse) {
      return required(key, hint).flatMap(n -> scalars(n, field(key), parse));
    }

    Optional<Boolean> bool(String key) {
      return optional(key)
          .flatMap(
              n -> {
                if (n instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
                  return Optional.of(
                      Set.of("true", "yes", "on").contains(s.getValue().toLowerCase(Locale.ROOT)));
                }
                problem(
                    n.getStartMark(), field(key), "expected true or false, found " + describe(n));
                return Optional.empty();
              });
    }
  }

  private <T> Optional<List<T>> scalars(Node node, String field, Function<String, T> parse) {
    List<Node> items = node instanceof SequenceNode seq ? seq.getValue() : List.of(node);
    List<T> out = new ArrayList<>();
    boolean ok = true;
    for (Node item : items) {
      Optional<T> value = convert(item, field, parse);
      ok &= value.isPresent();
      value.ifPresent(out::add);
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  private <T> Optional<T> convert(Node node, String field, Function<String, T> parse) {
    if (!(node instanceof ScalarNode scalar)) {
      problem(node.getStartMark(), field, "expected a single value, found " + describe(node));
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(scalar.getValue()));
    } catch (IllegalArgumentException e) {
      problem(node.getStartMark(), field, e.getMessage());
      return Optional.empty();
    }
  }

  /** Parses one of an enum's lower-case keywords, naming the allowed ones when it is not. */
  static <E extends Enum<E> & PolicyKeyword> Function<String, E> keyword(
      Class<E> type, String what) {
    return text ->
        Arrays.stream(type.getEnumConstants())
            .filter(e -> e.key().equals(text.strip().toLowerCase(Locale.ROOT)))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "'"
                            + text
                            + "' is not "
                            + what
                            + "; use one of "
                            + Arrays.stream(type.getEnumConstants())
                                .map(PolicyKeyword::key)
                                .collect(Collectors.joining(", "))));
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "'" + ((ScalarNode) node).getValue() + "'";
  }

  /** " (did you mean 'x'?)" for a key one or two edits from an allowed one. */
  static String suggestion(String key, List<String> allowed) {
    return allowed.stream()
        .filter(a -> editDistance(key, a) <= 2)
        .min(Comparator.comparingInt(a -> editDistance(key, a)))
        .map(a -> " (did you mean '" + a + "'?)")
        .orElse("");
  }

  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
