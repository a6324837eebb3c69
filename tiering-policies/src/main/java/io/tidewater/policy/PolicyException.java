package io.tidewater.policy;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Policy files that cannot be loaded, with every problem found, each naming file, line and field.
 */
public final class PolicyException extends TidewaterException {
  private static final long serialVersionUID = 1L;

  private final transient List<PolicyProblem> problems;

  public PolicyException(List<PolicyProblem> problems) {
    super(ErrorCode.INVALID_POLICY, lines(problems));
    this.problems = List.copyOf(problems);
  }

  /** The same problems under a heading that says where they were found. */
  public PolicyException(List<PolicyProblem> problems, String heading) {
    super(ErrorCode.INVALID_POLICY, heading + "\n" + lines(problems));
    this.problems = List.copyOf(problems);
  }

  private static String lines(List<PolicyProblem> problems) {
    return problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n"));
  }

  public List<PolicyProblem> problems() {
    return problems;
  }
}
