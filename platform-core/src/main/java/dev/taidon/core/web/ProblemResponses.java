package dev.taidon.core.web;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.HttpMessageNotWritableException;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Decides, in one place, how every exception that reaches the web layer is answered: as an RFC
 * 9457 problem document whose {@code type} and {@code code} are stable per {@link ErrorCode}.
 * Unexpected exceptions are logged with an incident id that the answer repeats, and their message
 * is never sent to the client.
 */
@RestControllerAdvice
public class ProblemResponses {
  private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
  private static final java.time.Duration OVERLOAD_LOG_INTERVAL = java.time.Duration.ofSeconds(10);
  private static final java.time.Duration OVERLOAD_RETRY_AFTER = java.time.Duration.ofSeconds(2);

  private final java.util.concurrent.atomic.AtomicLong overloaded = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong lastOverloadLog =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - OVERLOAD_LOG_INTERVAL.toNanos());

  @ExceptionHandler(TaidonException.class)
  public ResponseEntity<ProblemDetail> taidon(TaidonException error) {
    if (error.code() == ErrorCode.OVERLOADED) {
      // Expected under load, and the caller is told when to retry: no stack trace per refusal.
      log.info("{}: {}", error.code().slug(), error.getMessage());
    } else if (error.code().httpStatus() >= 500) {
      log.warn("{}: {}", error.code().slug(), error.getMessage(), error);
    }
    ResponseEntity<ProblemDetail> response = Problems.response(Problems.of(error));
    if (error.details().get("retryAfterSeconds") instanceof Number seconds) {
      return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
          .header("Retry-After", Long.toString(seconds.longValue())).body(response.getBody());
    }
    return response;
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  public ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException error) {
    // A body refused while it was read (too large, say) says so itself.
    for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof TaidonException refused) {
        return taidon(refused);
      }
    }
    return Problems.response(Problems.of(ErrorCode.MALFORMED_REQUEST,
        "the request body is not valid JSON of the expected shape", Map.of()));
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  public ResponseEntity<ProblemDetail> mismatch(MethodArgumentTypeMismatchException error) {
    return Problems.response(Problems.of(ErrorCode.INVALID_ARGUMENT,
        "parameter '" + error.getName() + "' has the wrong type", Map.of("parameter", error.getName())));
  }

  /**
   * A client that went away while its answer was written (a closed tab, a cancelled stream) is no
   * incident: nobody is left to read a problem document.
   */
  @ExceptionHandler({HttpMessageNotWritableException.class, AsyncRequestNotUsableException.class})
  public ResponseEntity<ProblemDetail> unwritable(Exception error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.io.IOException || cause instanceof AsyncRequestNotUsableException) {
        log.debug("the client went away while its answer was written: {}", cause.getMessage());
        return null;
      }
    }
    return unexpected(error);
  }

  /**
   * The control database could not serve in time (its pool is exhausted, it is down, or a statement
   * bounded by a query timeout ran past it): 503 with
   * a short {@code Retry-After}, since such overload passes, rather than an incident.
   */
  @ExceptionHandler({DataAccessResourceFailureException.class, java.sql.SQLTransientConnectionException.class,
      QueryTimeoutException.class})
  public ResponseEntity<ProblemDetail> controlDatabaseUnavailable(Exception error) {
    // Overload comes in floods: one line per interval, without stack traces, which cost the CPU
    // the overloaded platform lacks.
    long refused = overloaded.incrementAndGet();
    long now = System.nanoTime();
    long last = lastOverloadLog.get();
    if (now - last >= OVERLOAD_LOG_INTERVAL.toNanos() && lastOverloadLog.compareAndSet(last, now)) {
      log.warn("the control database did not serve {} request(s) in time since the last report: {}",
          overloaded.getAndSet(0), error.getMessage());
    }
    ResponseEntity<ProblemDetail> response = Problems.response(Problems.of(new TaidonException(
        ErrorCode.CONTROL_DATABASE_UNAVAILABLE,
        "the platform is overloaded or its control database is unreachable; retry in a moment", Map.of(), error)));
    return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
        .header("Retry-After", Long.toString(OVERLOAD_RETRY_AFTER.toSeconds())).body(response.getBody());
  }

  /** Whether an exception, or one of its causes, says the control database could not serve in time. */
  public static boolean isControlDatabaseUnavailable(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof DataAccessResourceFailureException || cause instanceof java.sql.SQLTransientConnectionException
          || cause instanceof QueryTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the control database refused a value for holding a NUL character (SQLSTATE 22021,
   * {@code character_not_in_repertoire}, which PostgreSQL also raises for invalid UTF-8 bytes):
   * the caller's input, never the platform's fault.
   */
  static boolean isUnstorableText(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.sql.SQLException sql && "22021".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The answer for an exception that reached the container rather than a handler (thrown by a
   * filter): the same answer a handler's exception would get.
   */
  public ResponseEntity<ProblemDetail> forThrowable(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof TaidonException refused) {
        return taidon(refused);
      }
      if (isControlDatabaseUnavailable(cause)) {
        return controlDatabaseUnavailable(cause instanceof Exception exception ? exception : new RuntimeException(cause));
      }
    }
    return error instanceof Exception exception ? unexpected(exception) : unexpected(new RuntimeException(error));
  }

  /** Spring's own web exceptions (404, 405, 406, 415, …) describe themselves as {@link ErrorResponse}. */
  @ExceptionHandler(Exception.class)
  public ResponseEntity<ProblemDetail> unexpected(Exception error) {
    if (error instanceof ErrorResponse response) {
      int status = response.getStatusCode().value();
      String detail = response.getBody().getDetail();
      return Problems.response(Problems.of(Problems.codeForStatus(status),
          detail == null ? response.getBody().getTitle() : detail, Map.of()));
    }
    if (isControlDatabaseUnavailable(error)) {
      // Wrapped by a layer that does not translate it (a transaction that could not begin, say).
      return controlDatabaseUnavailable(error);
    }
    if (isUnstorableText(error)) {
      // The edge refuses such text in bodies and query strings; this answers any other way in.
      return Problems.response(Problems.of(ErrorCode.INVALID_ARGUMENT,
          "the request holds text PostgreSQL cannot store (a NUL character, U+0000)", Map.of()));
    }
    String incident = UUID.randomUUID().toString();
    log.error("unexpected error, incident {}", incident, error);
    return Problems.response(Problems.of(ErrorCode.INTERNAL,
        "an unexpected error occurred; the operator can find it in the log as incident " + incident,
        Map.of("incident", incident)));
  }
}
