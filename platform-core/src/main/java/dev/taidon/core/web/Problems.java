package dev.taidon.core.web;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Builds the RFC 9457 problem documents every HTTP error of the platform is answered with. */
public final class Problems {
  /** Each error code's {@code type} is this base followed by the code's slug. */
  public static final String TYPE_BASE = "https://taidon.dev/problems/";
  /** Members of a problem document that are not copied from an exception's details. */
  public static final Set<String> STANDARD_MEMBERS = Set.of("type", "title", "status", "detail", "instance", "code");

  private Problems() {}

  public static URI type(ErrorCode code) {
    return URI.create(TYPE_BASE + code.slug());
  }

  public static ProblemDetail of(ErrorCode code, String detail, Map<String, ?> details) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(code.httpStatus()), detail);
    problem.setType(type(code));
    problem.setTitle(code.title());
    problem.setProperty("code", code.slug());
    details.forEach((name, value) -> {
      if (!STANDARD_MEMBERS.contains(name)) {
        problem.setProperty(name, value);
      }
    });
    return problem;
  }

  public static ProblemDetail of(TaidonException error) {
    return of(error.code(), error.getMessage(), error.details());
  }

  public static ResponseEntity<ProblemDetail> response(ProblemDetail problem) {
    return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }

  /** The error code that best describes a bare HTTP status raised by the web framework. */
  public static ErrorCode codeForStatus(int status) {
    return switch (status) {
      case 400 -> ErrorCode.MALFORMED_REQUEST;
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 406 -> ErrorCode.NOT_ACCEPTABLE;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 503 -> ErrorCode.ROLE_UNAVAILABLE;
      default -> status >= 400 && status < 500 ? ErrorCode.INVALID_ARGUMENT : ErrorCode.INTERNAL;
    };
  }
}
