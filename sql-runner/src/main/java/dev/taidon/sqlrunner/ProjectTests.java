package dev.taidon.sqlrunner;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/**
 * A project's {@code test/} scripts run on its seeded state, each on a fresh copy of it. A script
 * passes when it runs without an error; {@code ASSERT} and {@code RAISE EXCEPTION} fail it.
 *
 * @param projectId the project
 * @param seededStateId the state the tests ran on
 * @param passed how many scripts passed
 * @param failed how many failed
 * @param scripts each script's result, in order
 */
public record ProjectTests(String projectId, String seededStateId, int passed, int failed, List<ScriptResult> scripts) {

  /**
   * @param path the test script
   * @param passed whether it ran without an error
   * @param durationMs how long it took
   * @param failure why it failed
   */
  @JsonInclude(JsonInclude.Include.NON_ABSENT)
  public record ScriptResult(String path, boolean passed, double durationMs, Optional<ScriptFailure> failure) {}

  /** The error that failed a script, and where: {@code file} is an included file when the error arose there. */
  public record ScriptFailure(String sqlstate, String message, String file, int line, int column) {}
}
