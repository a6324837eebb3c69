package io.tidewater.gateway.auth;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The token file: who may call the gateway, each token stored only as its salted hash.
 *
 * <pre>
 * tokens:
 *   - name: grafana                 # the principal's name in the audit log
 *     hash: sha256:5f0c...:9a1b...   # scripts/new-token.sh prints a token and its hash
 *     scopes: [read:telegraf, read:factory_*]
 *   - name: ops
 *     hash: sha256:...
 *     scopes: [admin, metrics, read:*, write:*]
 * </pre>
 */
public final class TokenFile {

  /** One token: its name, its hash and what it may do. */
  public record Entry(String name, TokenHash hash, Principal principal) {}

  private TokenFile() {}

  /**
   * The entries of the file at {@code path}; INVALID_AUTH_CONFIG naming the file and what is wrong.
   */
  public static List<Entry> load(Path path) {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw invalid(path, "cannot be read: " + e.getMessage());
    }
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw invalid(path, "is not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> map) || !(map.get("tokens") instanceof List<?> tokens)) {
      throw invalid(path, "needs a list 'tokens' of {name, hash, scopes}");
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      String where = "tokens[" + i + "]";
      if (!(tokens.get(i) instanceof Map<?, ?> token)) {
        throw invalid(path, where + " must be a mapping of name, hash and scopes");
      }
      if (!(token.get("name") instanceof String name) || name.isBlank()) {
        throw invalid(path, where + " needs a name");
      }
      where = "token '" + name + "'";
      if (!names.add(name)) {
        throw invalid(path, where + " is named twice");
      }
      if (!(token.get("hash") instanceof String hash)) {
        throw invalid(path, where + " needs a hash (never the token itself)");
      }
      if (!(token.get("scopes") instanceof List<?> scopeList) || scopeList.isEmpty()) {
        throw invalid(
            path, where + " needs a list of scopes: read:<db>, write:<db>, admin, metrics");
      }
      List<Scope> scopes = new ArrayList<>();
      try {
        for (Object s : scopeList) {
          scopes.add(Scope.parse(String.valueOf(s)));
        }
        entries.add(new Entry(name, TokenHash.parse(hash), new Principal(name, scopes)));
      } catch (TidewaterException | IllegalArgumentException e) {
        throw invalid(path, where + ": " + e.getMessage());
      }
    }
    return entries;
  }

  private static TidewaterException invalid(Path path, String problem) {
    return new TidewaterException(
        ErrorCode.INVALID_AUTH_CONFIG, "token file " + path + " " + problem);
  }
}
