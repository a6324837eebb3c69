package io.tidewater.benchmarks.endtoend;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes an {@link EndToEndReport} as {@code end-to-end.md}, {@code end-to-end.json} and {@code
 * end-to-end.svg}.
 */
final class ReportWriter {

  static final String NAME = "end-to-end";
  private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c"};

  private ReportWriter() {}

  /** Writes the three files into {@code folder}; returns the Markdown's path. */
  static Path write(EndToEndReport report, Path folder) throws IOException {
    Files.createDirectories(folder);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(folder.resolve(NAME + ".json").toFile(), report);
    Files.writeString(folder.resolve(NAME + ".svg"), svg(report));
    Path md = folder.resolve(NAME + ".md");
    Files.writeString(md, markdown(report));
    return md;
  }

  static String markdown(EndToEndReport r) {
    StringBuilder s = new StringBuilder();
    EndToEndReport.Machine m = r.machine();
    EndToEndReport.Data d = r.data();
    EndToEndReport.Setup u = r.setup();
    s.append("## End-to-end: federated SQL against InfluxDB and DuckDB, in one run\n\n");
    s.append(
        f(
            "Machine: %d cores, %,d MB, %s, %s, %s (everything on the same machine). Run at %s.%n%n",
            m.cores(), m.memoryMb(), m.os(), m.jvm(), m.influxd(), m.at()));
    s.append(
        f(
            "Data: %d hosts x %d days (%d series of cpu and mem), %,d rows, %,d values, one point a minute per"
                + " series with outages and missing points; %d late points written through the gateway after the export"
                + " (their dirty windows re-exported before the queries in full runs),"
                + " %,d lines written live during the queries. Lake: %s. Queries: the gateway first warmed up for %.0f s with"
                + " other questions of every class (its JIT compiles the planner meanwhile); then %d concurrent clients per"
                + " system, after %d warm-up questions up to %d questions or %.0f s per class and system; the same questions"
                + " for every system; milliseconds as the client sees them.%n%n",
            d.hosts(),
            d.days(),
            d.series(),
            d.rows(),
            d.values(),
            d.latePoints(),
            d.liveLines(),
            u.store(),
            u.gatewayWarmupSeconds(),
            u.concurrency(),
            u.warmup(),
            u.maxQueries(),
            u.secondsPerClassAndSystem()));
    s.append(
        "| class | system | n | p50 | p95 | p99 | queries/s | gateway p95 / peer p95 | federation target |"
            + " goal: p95 <= target/10 | same rows as InfluxDB | cache hits |\n");
    s.append("|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|\n");
    for (EndToEndReport.ClassResult c : r.classes()) {
      for (EndToEndReport.SystemResult x : c.systems()) {
        boolean gateway = x.system().equals("gateway");
        String ratio =
            gateway
                ? ""
                : x.system().equals("influxdb")
                    ? num(c.p95VsInfluxdb(), "x")
                    : num(c.p95VsDuckdb(), "x");
        s.append(
            f(
                "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                gateway ? "**" + c.label() + "**: " + c.description() : "",
                x.system(),
                x.queries() == 0
                    ? "-"
                    : x.queries() + (x.failures() > 0 ? " (" + x.failures() + " failed)" : ""),
                num(x.p50(), ""),
                num(x.p95(), ""),
                num(x.p99(), ""),
                num(x.queriesPerSecond(), ""),
                ratio,
                gateway ? c.target() : "",
                gateway ? goal(c) : "",
                gateway ? c.sameRowsAsInfluxdb() + "/" + c.compared() : "",
                gateway ? c.cacheHits() + "/" + (c.cacheHits() + c.cacheMisses()) : ""));
      }
    }
    s.append("\n![p95 latency per class against the targets](" + NAME + ".svg)\n\n");
    EndToEndReport.Export e = r.export();
    s.append(
        f(
            "Export through the gateway (`POST /v1/jobs/bench/run`, raw Parquet and 1h rollups of %,d windows,"
                + " %,d bytes): %,d rows in %.1f s = %,.0f rows/s; raw chunked read of the same rows from influxd: %,.0f rows/s;"
                + " ratio %.2f (goal >= 0.8: %s).%n%n",
            e.windows(),
            e.bytes(),
            e.rows(),
            e.seconds(),
            e.rowsPerSecond(),
            e.rawReadRowsPerSecond(),
            e.ratio(),
            e.goalMet() ? "met" : "NOT met"));
    EndToEndReport.Size z = r.size();
    s.append(
        f(
            "Size: the lake's raw Parquet %,d bytes = %.2f bytes/value; InfluxDB's TSM files%s %,d bytes = %.2f"
                + " bytes/value; lake / TSM = %s.%n%n",
            z.lakeRawBytes(),
            z.lakeBytesPerValue(),
            z.tsmFullyCompacted() ? " (fully compacted)" : " (not compacted)",
            z.tsmBytes(),
            z.tsmBytesPerValue(),
            num(z.lakeVsTsm(), "x")));
    s.append(
        f(
            "Result cache over all classes: %,d hits, %,d misses (hit ratio %.2f); questions repeat only by"
                + " chance (random hosts and times), as on a shared dashboard server.%n",
            r.cache().hits(), r.cache().misses(), r.cache().hitRatio()));
    for (String note : r.notes()) {
      s.append("\nNote: ").append(note).append('\n');
    }
    return s.toString();
  }

  private static String goal(EndToEndReport.ClassResult c) {
    String bound = f("<= %s ms", trim(c.goalP95Ms()));
    return c.goalMet() == null
        ? bound + ": no answer"
        : bound + (c.goalMet() ? ": met" : ": NOT met");
  }

  /**
   * Horizontal bars of each system's p95 per class on a log scale, with the class's target and
   * goal.
   */
  static String svg(EndToEndReport r) {
    List<EndToEndReport.ClassResult> classes = r.classes();
    int left = 190;
    int width = 620;
    int bar = 12;
    int group = 3 * bar + 18;
    int top = 40;
    int height = top + classes.size() * group + 40;
    double min = 0.1;
    double max = 10_000;
    StringBuilder s = new StringBuilder();
    s.append(
        f(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                + " font-size=\"11\">%n",
            left + width + 150, height));
    s.append(
        f(
            "<text x=\"%d\" y=\"16\" font-size=\"13\">p95 latency per query class (ms, log scale); | target,"
                + " | goal (target/10)</text>%n",
            left));
    for (double tick = min; tick <= max; tick *= 10) {
      double x = left + width * Math.log10(tick / min) / Math.log10(max / min);
      s.append(
          f(
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
              x, top - 6, x, height - 30));
      s.append(
          f(
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              x, height - 16, trim(tick)));
    }
    for (int i = 0; i < classes.size(); i++) {
      EndToEndReport.ClassResult c = classes.get(i);
      int y = top + i * group;
      s.append(
          f(
              "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
              left - 8, y + bar * 2, escape(c.label())));
      for (int k = 0; k < c.systems().size(); k++) {
        EndToEndReport.SystemResult x = c.systems().get(k);
        int by = y + k * bar;
        if (x.p95() == null) {
          s.append(
              f(
                  "<text x=\"%d\" y=\"%d\" fill=\"#888\">%s: -</text>%n",
                  left + 4, by + bar - 2, x.system()));
          continue;
        }
        double w =
            Math.max(1, width * Math.log10(Math.max(min, x.p95()) / min) / Math.log10(max / min));
        s.append(
            f(
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                left, by, w, bar - 2, COLORS[k % COLORS.length]));
        s.append(
            f(
                "<text x=\"%.1f\" y=\"%d\">%s %s</text>%n",
                left + w + 4, by + bar - 3, x.system(), trim(x.p95())));
      }
      for (double mark : new double[] {c.goalP95Ms() * 10, c.goalP95Ms()}) {
        double x = left + width * Math.log10(mark / min) / Math.log10(max / min);
        s.append(
            f(
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                x, y - 2, x, y + 3 * bar, mark == c.goalP95Ms() ? "#2ca02c" : "#d62728"));
      }
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static String num(Double v, String suffix) {
    return v == null ? "-" : trim(v) + suffix;
  }

  private static String trim(double v) {
    return v >= 100 ? f("%,.0f", v) : v >= 10 ? f("%.1f", v) : f("%.2f", v);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
