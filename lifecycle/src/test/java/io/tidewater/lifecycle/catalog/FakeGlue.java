package io.tidewater.lifecycle.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A local HTTP endpoint speaking the AWS Glue JSON 1.1 protocol for the operations the catalog
 * uses, checking every request against the Glue API's shapes and limits (required members, name
 * patterns, Athena types, partition values matching the keys, at most 100 partitions a batch) and
 * keeping state, since no Glue server can run here. A request that breaks a rule fails the test.
 */
final class FakeGlue implements AutoCloseable {

  static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,255}");
  static final Set<String> ATHENA_TYPES =
      Set.of("timestamp", "string", "double", "bigint", "boolean");

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<String> operations = new ArrayList<>();
  final List<String> violations = new ArrayList<>();
  final Set<String> databases = new HashSet<>();
  final Map<String, ObjectNode> tables = new HashMap<>();
  final Map<String, Set<List<String>>> partitions = new HashMap<>();
  private final HttpServer server;

  FakeGlue() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private synchronized void handle(HttpExchange x) throws IOException {
    String target = x.getRequestHeaders().getFirst("X-Amz-Target");
    JsonNode body = JSON.readTree(x.getRequestBody().readAllBytes());
    check(x.getRequestMethod().equals("POST"), "method " + x.getRequestMethod());
    check(
        "application/x-amz-json-1.1".equals(x.getRequestHeaders().getFirst("Content-Type")),
        "content type");
    check(
        x.getRequestHeaders().getFirst("Authorization") != null
            && x.getRequestHeaders().getFirst("Authorization").startsWith("AWS4-HMAC-SHA256"),
        "SigV4 signature");
    String op = target == null ? "" : target.replace("AWSGlue.", "");
    operations.add(op);
    ObjectNode reply = JSON.createObjectNode();
    int status = 200;
    switch (op) {
      case "GetDatabase" -> {
        if (!databases.contains(body.path("Name").asText())) {
          status = 400;
          reply = notFound("Database " + body.path("Name").asText() + " not found.");
        } else {
          reply.putObject("Database").put("Name", body.path("Name").asText());
        }
      }
      case "CreateDatabase" -> {
        String name = body.path("DatabaseInput").path("Name").asText();
        check(NAME.matcher(name).matches(), "database name " + name);
        databases.add(name);
      }
      case "GetTable" -> {
        ObjectNode t =
            tables.get(body.path("DatabaseName").asText() + "." + body.path("Name").asText());
        if (t == null) {
          status = 400;
          reply = notFound("Table not found.");
        } else {
          reply.set("Table", t);
        }
      }
      case "CreateTable", "UpdateTable" -> {
        String db = body.path("DatabaseName").asText();
        check(databases.contains(db), op + " in unknown database " + db);
        JsonNode t = body.path("TableInput");
        String name = t.path("Name").asText();
        check(NAME.matcher(name).matches(), "table name " + name);
        check("EXTERNAL_TABLE".equals(t.path("TableType").asText()), "table type");
        JsonNode sd = t.path("StorageDescriptor");
        check(sd.path("Location").asText().startsWith("s3://"), "location " + sd.path("Location"));
        check(
            sd.path("SerdeInfo").path("SerializationLibrary").asText().contains("ParquetHiveSerDe"),
            "serde");
        check(sd.path("Columns").size() > 0, "columns");
        for (JsonNode c : sd.path("Columns")) {
          check(NAME.matcher(c.path("Name").asText()).matches(), "column name " + c.path("Name"));
          check(ATHENA_TYPES.contains(c.path("Type").asText()), "column type " + c.path("Type"));
        }
        for (JsonNode k : t.path("PartitionKeys")) {
          check(
              NAME.matcher(k.path("Name").asText()).matches()
                  && k.path("Type").asText().equals("string"),
              "partition key " + k);
        }
        check(op.equals("UpdateTable") == tables.containsKey(db + "." + name), op + " of " + name);
        ObjectNode stored = ((ObjectNode) t).deepCopy();
        stored.put("DatabaseName", db);
        tables.put(db + "." + name, stored);
      }
      case "BatchCreatePartition" -> {
        String key = body.path("DatabaseName").asText() + "." + body.path("TableName").asText();
        ObjectNode t = tables.get(key);
        check(t != null, "partitions of unknown table " + key);
        JsonNode list = body.path("PartitionInputList");
        check(list.size() >= 1 && list.size() <= 100, "batch of " + list.size());
        ArrayNode errors = reply.putArray("Errors");
        for (JsonNode p : list) {
          List<String> values = new ArrayList<>();
          p.path("Values").forEach(v -> values.add(v.asText()));
          check(t != null && values.size() == t.path("PartitionKeys").size(), "values " + values);
          check(
              t != null
                  && p.path("StorageDescriptor")
                      .path("Location")
                      .asText()
                      .startsWith(t.path("StorageDescriptor").path("Location").asText()),
              "partition location");
          if (!partitions.computeIfAbsent(key, k -> new HashSet<>()).add(values)) {
            ObjectNode e = errors.addObject();
            e.set("PartitionValues", p.path("Values"));
            e.putObject("ErrorDetail")
                .put("ErrorCode", "AlreadyExistsException")
                .put("ErrorMessage", "exists");
          }
        }
      }
      default -> check(false, "unexpected operation " + target);
    }
    byte[] out = JSON.writeValueAsBytes(reply);
    x.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    x.sendResponseHeaders(status, out.length);
    x.getResponseBody().write(out);
    x.close();
  }

  private ObjectNode notFound(String message) {
    ObjectNode e = JSON.createObjectNode();
    e.put("__type", "EntityNotFoundException");
    e.put("Message", message);
    return e;
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      violations.add(what);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
