package io.tidewater.benchmarks.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every JMH benchmark of this package in one of two modes and writes {@code jmh-<mode>.json}
 * (JMH's own format) and {@code jmh-<mode>.md} to the results folder. {@code quick} (one fork, 1 s
 * warm-up, 2 x 1 s measured: a minute or two) checks they still run and gives rough figures; {@code
 * full} (2 forks, 3 x 5 s warm-up, 5 x 5 s measured) gives figures worth quoting.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.tidewater.benchmarks.jmh.JmhSuite
 * quick|full [out] [regex]}
 */
public final class JmhSuite {

  private JmhSuite() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "quick";
    Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/results");
    String include = args.length > 2 ? args[2] : JmhSuite.class.getPackageName() + "\\..*Benchmark";
    Files.createDirectories(out);
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(include)
            .result(out.resolve("jmh-" + mode + ".json").toString())
            .resultFormat(ResultFormatType.JSON);
    switch (mode) {
      case "quick" ->
          options
              .forks(1)
              .warmupIterations(1)
              .warmupTime(TimeValue.seconds(1))
              .measurementIterations(2)
              .measurementTime(TimeValue.seconds(1));
      case "full" ->
          options
              .forks(2)
              .warmupIterations(3)
              .warmupTime(TimeValue.seconds(5))
              .measurementIterations(5)
              .measurementTime(TimeValue.seconds(5));
      default -> {
        System.err.println("mode must be quick or full, not " + mode);
        System.exit(2);
      }
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    StringBuilder md =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "## JMH, %s mode%n%nMachine: %d cores, %s %s. Average time per operation; the error is JMH's 99.9%% interval.%n%n"
                    + "| benchmark | score | error | unit |%n|---|---:|---:|---|%n",
                mode,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version")));
    for (RunResult r : results) {
      var p = r.getPrimaryResult();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.3f | %s | %s |%n",
              r.getParams().getBenchmark().replace(JmhSuite.class.getPackageName() + ".", ""),
              p.getScore(),
              Double.isNaN(p.getScoreError())
                  ? ""
                  : String.format(Locale.ROOT, "%.3f", p.getScoreError()),
              p.getScoreUnit()));
    }
    Files.writeString(out.resolve("jmh-" + mode + ".md"), md);
    System.out.println(md);
  }
}
