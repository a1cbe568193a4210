package dev.taidon.server;

import dev.taidon.core.web.Problems;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.webmvc.error.ErrorController;
import dev.taidon.core.web.ProblemResponses;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers errors raised outside Spring MVC's handlers (by the servlet container or a filter) with
 * a problem document too, so no client ever sees an HTML error page or a bare status.
 */
@RestController
class ProblemErrorController implements ErrorController {
  private final ProblemResponses responses;

  ProblemErrorController(ProblemResponses responses) {
    this.responses = responses;
  }

  @RequestMapping("/error")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable thrown) {
      return ParameterProblems.isUndecodable(thrown) ? ParameterProblems.response() : responses.forThrowable(thrown);
    }
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer value ? value : 500;
    String detail = status == 404 ? "no resource at " + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)
        : "the request could not be processed (HTTP " + status + ")";
    return Problems.response(Problems.of(Problems.codeForStatus(status), detail, Map.of()));
  }
}
