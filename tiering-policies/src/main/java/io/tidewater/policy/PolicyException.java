package io.tidewater.policy;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.util.List;
import java.util.stream.Collectors;

/** Policy files that cannot be loaded, with every problem found, each naming file, line and field. */
public final class PolicyException extends TidewaterException {
  private static final long serialVersionUID = 1L;

  private final transient List<PolicyProblem> problems;

  public PolicyException(List<PolicyProblem> problems) {
    super(ErrorCode.INVALID_POLICY, problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<PolicyProblem> problems() {
    return problems;
  }
}
