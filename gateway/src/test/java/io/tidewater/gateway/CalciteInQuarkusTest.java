package io.tidewater.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.apache.calcite.adapter.java.ReflectiveSchema;
import org.apache.calcite.jdbc.CalciteConnection;
import org.junit.jupiter.api.Test;

/**
 * Calcite compiles generated code that refers to the application's classes; inside Quarkus that
 * only works when Calcite is loaded by the same class loader as the application
 * (quarkus.class-loading.reloadable-artifacts). This fails if that setting is lost.
 */
@QuarkusTest
@WithTestResource(RealServersResource.class)
class CalciteInQuarkusTest {

  /** A schema of application classes, queried through generated code. */
  public static class Readings {
    public final Reading[] cpu = {
      new Reading("a", 1.5), new Reading("b", 2.0), new Reading("a", 3.5)
    };
  }

  /** One row of {@link Readings}. */
  public static class Reading {
    public final String host;
    public final double usage;

    Reading(String host, double usage) {
      this.host = host;
      this.usage = usage;
    }
  }

  @Test
  void calciteCompilesAndRunsAQueryOverApplicationClasses() throws Exception {
    Class.forName("org.apache.calcite.jdbc.Driver");
    Properties info = new Properties();
    info.setProperty("lex", "JAVA");
    try (Connection connection = DriverManager.getConnection("jdbc:calcite:", info)) {
      CalciteConnection calcite = connection.unwrap(CalciteConnection.class);
      calcite.getRootSchema().add("m", new ReflectiveSchema(new Readings()));
      try (Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT host, COUNT(*) AS n, SUM(usage) AS total FROM m.cpu GROUP BY host ORDER BY host")) {
        assertTrue(rows.next());
        assertEquals("a", rows.getString(1));
        assertEquals(2, rows.getLong(2));
        assertEquals(5.0, rows.getDouble(3));
        assertTrue(rows.next());
        assertEquals("b", rows.getString(1));
        assertFalse(rows.next());
      }
    }
  }
}
