package dev.taidon.server;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.web.Problems;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error report as a problem document. Tomcat answers some requests itself, before any
 * servlet sees them: a malformed or encoded-slash URI, a request line or header over the size
 * limits. Its default report for those is an HTML page; this one keeps the platform's promise that
 * every HTTP error is an RFC 9457 document. Errors the application already answered (everything
 * that reaches a servlet goes through {@link ProblemErrorController}) have a body and are left alone.
 *
 * <p>Tomcat creates it by class name, so it is public with a public no-argument constructor.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    AtomicBoolean ioAllowed = new AtomicBoolean(false);
    response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
    if (!ioAllowed.get()) {
      return;
    }
    try {
      response.setContentType("application/problem+json");
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(document(status));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The client is gone or the response was committed meanwhile: nobody is left to read it.
    }
  }

  /** The problem document for a status Tomcat set; it names no request detail, which may be hostile. */
  static String document(int status) {
    ErrorCode code = Problems.codeForStatus(status);
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", Problems.type(code).toString());
    problem.put("title", code.title());
    problem.put("status", status);
    problem.put("detail", status == 400
        ? "the web server refused the request before the platform saw it: it is not well-formed HTTP (a malformed"
            + " request line, URI or header; an encoded '/' or NUL in the path) or its request line or headers are"
            + " too large"
        : "the web server could not process the request (HTTP " + status + ")");
    problem.put("code", code.slug());
    return JSON.writeValueAsString(problem);
  }
}
