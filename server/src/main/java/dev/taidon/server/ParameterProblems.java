package dev.taidon.server;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.web.Problems;
import java.util.Map;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Query strings and form bodies that Tomcat cannot decode (bytes that are not percent-encoded
 * UTF-8, more parameters than it accepts) are the client's mistake: 400, not an incident. Tomcat
 * reports them with an exception of its own when a parameter is first read, so this advice is
 * consulted before the general one, which would see an unexpected error.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ParameterProblems {

  @ExceptionHandler(InvalidParameterException.class)
  ResponseEntity<ProblemDetail> undecodable(InvalidParameterException error) {
    return response();
  }

  /** The answer; the parameter's name and value stay out of it, as they may be anything at all. */
  static ResponseEntity<ProblemDetail> response() {
    return Problems.response(Problems.of(ErrorCode.MALFORMED_REQUEST, "the query string or form parameters could not"
        + " be read: they are not percent-encoded UTF-8, or there are too many of them", Map.of()));
  }

  /** Whether the exception, or one of its causes, is Tomcat's refusal of the parameters. */
  static boolean isUndecodable(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof InvalidParameterException) {
        return true;
      }
    }
    return false;
  }
}
