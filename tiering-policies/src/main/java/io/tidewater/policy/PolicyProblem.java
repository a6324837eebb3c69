package io.tidewater.policy;

/** One thing wrong in a policy file, located at a line and column (1-based) and a field path. */
public record PolicyProblem(String origin, int line, int column, String field, String message) {

  /** {@code cpu.yaml:7:11: tiers.warm.after: ...}, the shape compilers use. */
  @Override
  public String toString() {
    return origin
        + ":"
        + line
        + ":"
        + column
        + ": "
        + (field.isEmpty() ? "" : field + ": ")
        + message;
  }
}
