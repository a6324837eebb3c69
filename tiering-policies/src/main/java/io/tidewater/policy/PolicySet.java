package io.tidewater.policy;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.policy.PolicyParser.Located;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * All policies of a folder, loaded all or nothing: any problem in any file, or two policies
 * claiming the same name or measurement, fails the whole load with every problem listed.
 */
public final class PolicySet {

  private final List<TieringPolicy> policies;

  private PolicySet(List<TieringPolicy> policies) {
    this.policies = List.copyOf(policies);
  }

  /** Loads every {@code *.yaml} and {@code *.yml} file of {@code folder}, in name order. */
  public static PolicySet load(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new PolicyException(
          List.of(
              new PolicyProblem(
                  folder.toString(),
                  1,
                  1,
                  "",
                  "the policy folder does not exist or is not a folder")));
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files =
          list.filter(
                  p -> p.getFileName().toString().matches(".*\\.ya?ml") && Files.isRegularFile(p))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list policy folder " + folder, e);
    }
    PolicyParser parser = new PolicyParser();
    return build(
        files.stream()
            .<Supplier<List<Located>>>map(file -> () -> parser.parseLocated(file))
            .toList());
  }

  /** Parses policy documents given as text, e.g. in tests: origin name to YAML, in order. */
  public static PolicySet parse(List<Map.Entry<String, String>> documents) {
    PolicyParser parser = new PolicyParser();
    return build(
        documents.stream()
            .<Supplier<List<Located>>>map(d -> () -> parser.parseLocated(d.getKey(), d.getValue()))
            .toList());
  }

  private static PolicySet build(List<Supplier<List<Located>>> sources) {
    List<PolicyProblem> problems = new ArrayList<>();
    List<Located> located = new ArrayList<>();
    for (Supplier<List<Located>> source : sources) {
      try {
        located.addAll(source.get());
      } catch (PolicyException e) {
        problems.addAll(e.problems());
      }
    }
    problems.addAll(crossChecks(located));
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return new PolicySet(located.stream().map(Located::policy).toList());
  }

  private static List<PolicyProblem> crossChecks(List<Located> located) {
    List<PolicyProblem> problems = new ArrayList<>();
    for (int i = 0; i < located.size(); i++) {
      Located later = located.get(i);
      YamlFields at = later.fields();
      int before = at.problems().size();
      for (int j = 0; j < i; j++) {
        TieringPolicy earlier = located.get(j).policy();
        TieringPolicy policy = later.policy();
        if (earlier.name().equals(policy.name())) {
          at.problem(
              new FieldProblem(
                  "name",
                  "policy '" + policy.name() + "' is already defined in " + earlier.origin()));
        }
        claimConflict(earlier, policy)
            .ifPresent(m -> at.problem(new FieldProblem("source.measurements", m)));
      }
      problems.addAll(at.problems().subList(before, at.problems().size()));
    }
    return problems;
  }

  /** Why {@code b} may not claim what it claims, given {@code a} came first. */
  private static Optional<String> claimConflict(TieringPolicy a, TieringPolicy b) {
    Source sa = a.source();
    Source sb = b.source();
    if (!sa.database().equals(sb.database())
        || !sa.retentionPolicy().equals(sb.retentionPolicy())) {
      return Optional.empty();
    }
    for (MeasurementMatcher mb : sb.measurements()) {
      for (MeasurementMatcher ma : sa.measurements()) {
        boolean clash =
            mb.equals(ma)
                || (!mb.isRegex() && ma.matches(mb.name()))
                || (!ma.isRegex() && mb.matches(ma.name()));
        if (clash) {
          return Optional.of(
              "measurement "
                  + mb
                  + " of database "
                  + sb.database()
                  + " is already claimed by policy '"
                  + a.name()
                  + "' ("
                  + ma
                  + " in "
                  + a.origin()
                  + "); a measurement belongs to one policy");
        }
      }
    }
    return Optional.empty();
  }

  public List<TieringPolicy> policies() {
    return policies;
  }

  public Optional<TieringPolicy> byName(String name) {
    return policies.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /**
   * The policy claiming a measurement, if any. Two regular expressions may both match a name that
   * no file lists; that is reported here, naming both policies.
   */
  public Optional<TieringPolicy> policyFor(
      String database, Optional<String> retentionPolicy, String measurement) {
    List<TieringPolicy> claiming =
        policies.stream()
            .filter(p -> p.source().claims(database, retentionPolicy, measurement))
            .toList();
    if (claiming.size() > 1) {
      throw new TidewaterException(
          ErrorCode.INVALID_POLICY,
          "measurement '"
              + measurement
              + "' of database "
              + database
              + " is claimed by policies "
              + claiming.stream().map(p -> "'" + p.name() + "' (" + p.origin() + ")").toList()
              + "; make their measurement patterns exclusive");
    }
    return claiming.stream().findFirst();
  }
}
