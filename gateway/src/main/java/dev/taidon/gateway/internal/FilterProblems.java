package dev.taidon.gateway.internal;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers from a servlet filter, which runs outside Spring MVC's exception handling, with the same
 * RFC 9457 problem document a handler's error would get.
 */
final class FilterProblems {
  private FilterProblems() {}

  /** Writes {@code problem} with its status; headers the caller set before stay. */
  static void write(HttpServletResponse response, JsonMapper json, ProblemDetail problem) throws IOException {
    response.setStatus(problem.getStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.getOutputStream().write(json.writeValueAsBytes(problem));
  }
}
