package io.tidewater.lifecycle.influx;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes InfluxDB's JSON answers token by token: concatenated chunks of {@code
 * {"results":[{"statement_id":0,"series":[...],"error":"..."}]}}.
 */
final class JsonAnswer {

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private JsonAnswer() {}

  static void decode(InputStream body, String influxql, InfluxClient.RowSink sink)
      throws IOException {
    try (JsonParser p = JSON.createParser(body)) {
      JsonCell cell = new JsonCell(p);
      while (p.nextToken() == JsonToken.START_OBJECT) {
        chunk(p, influxql, sink, cell);
      }
      if (p.currentToken() != null) {
        // Not the answer's shape: reading on would take whatever it holds for no rows.
        throw new InfluxException(
            "InfluxDB's answer to "
                + influxql
                + " could not be read: "
                + p.currentToken()
                + " where a JSON object or the end belongs",
            null);
      }
    }
  }

  /** The {@code error} of an error answer, or null. */
  static String error(InputStream body) throws IOException {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("error")) {
          return p.getText();
        }
        p.skipChildren();
      }
      return null;
    }
  }

  private static void chunk(JsonParser p, String influxql, InfluxClient.RowSink sink, JsonCell cell)
      throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (name.equals("error")) {
        throw new InfluxException("InfluxDB rejected " + influxql + ": " + p.getText(), null);
      } else if (name.equals("results")) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          result(p, influxql, sink, cell);
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static void result(
      JsonParser p, String influxql, InfluxClient.RowSink sink, JsonCell cell) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (name.equals("error")) {
        throw InfluxException.statementError(influxql, p.getText());
      } else if (name.equals("series")) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          series(p, sink, cell);
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static void series(JsonParser p, InfluxClient.RowSink sink, JsonCell cell)
      throws IOException {
    Map<String, String> tags = new HashMap<>();
    List<String> columns = new ArrayList<>();
    String measurement = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "name" -> measurement = p.getText();
        case "tags" -> {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            tags.put(key, p.getText());
          }
        }
        case "columns" -> {
          while (p.nextToken() == JsonToken.VALUE_STRING) {
            columns.add(p.getText());
          }
        }
        case "values" -> {
          // InfluxDB sends name, tags and columns before values.
          sink.series(measurement, tags, columns);
          while (p.nextToken() == JsonToken.START_ARRAY) {
            int column = 0;
            for (JsonToken v = p.nextToken();
                v != JsonToken.END_ARRAY;
                v = p.nextToken(), column++) {
              cell.token = v;
              sink.value(column, cell);
            }
          }
        }
        default -> {
          if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
          }
        }
      }
    }
  }

  /** The value the parser stands on. */
  private static final class JsonCell implements InfluxClient.Cell {
    private final JsonParser p;
    JsonToken token;

    JsonCell(JsonParser p) {
      this.p = p;
    }

    @Override
    public boolean isNull() {
      return token == JsonToken.VALUE_NULL;
    }

    @Override
    public long asLong() {
      try {
        return p.getLongValue();
      } catch (IOException e) {
        throw new InfluxException(
            "InfluxDB sent a value that is not an integer: " + e.getMessage(), e);
      }
    }

    @Override
    public double asDouble() {
      try {
        return p.getDoubleValue();
      } catch (IOException e) {
        throw new InfluxException(
            "InfluxDB sent a value that is not a number: " + e.getMessage(), e);
      }
    }

    @Override
    public boolean asBoolean() {
      return token == JsonToken.VALUE_TRUE;
    }

    @Override
    public String asString() {
      try {
        return p.getText();
      } catch (IOException e) {
        throw new InfluxException("InfluxDB sent an unreadable string: " + e.getMessage(), e);
      }
    }

    @Override
    public Object asObject() {
      return switch (token) {
        case VALUE_NUMBER_INT -> asLong();
        case VALUE_NUMBER_FLOAT -> asDouble();
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        case VALUE_NULL -> null;
        default -> asString();
      };
    }
  }
}
