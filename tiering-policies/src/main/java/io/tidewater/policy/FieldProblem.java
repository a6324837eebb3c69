package io.tidewater.policy;

/** A rule a policy breaks, at a field path such as {@code tiers.cold.after}. */
public record FieldProblem(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
