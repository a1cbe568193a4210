package dev.taidon.core.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class ProblemResponsesTest {
  private final ProblemResponses responses = new ProblemResponses();

  @Test
  void anExhaustedControlDatabasePoolIsAServiceUnavailableToRetryNotAnIncident() {
    ResponseEntity<ProblemDetail> answer = responses.forThrowable(new RuntimeException("filter failed",
        new CannotGetJdbcConnectionException("no connection", new java.sql.SQLTransientConnectionException("timeout"))));
    assertThat(answer.getStatusCode().value()).isEqualTo(503);
    assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("2");
    assertThat(answer.getBody().getProperties()).containsEntry("code", "control-database-unavailable");
  }

  @Test
  void aFloodOfPoolTimeoutsIsAnsweredAlikeAndRecognisedThroughAnyWrapping() {
    Exception timeout = new jakarta.servlet.ServletException(new CannotGetJdbcConnectionException("no connection"));
    assertThat(ProblemResponses.isControlDatabaseUnavailable(timeout)).isTrue();
    assertThat(ProblemResponses.isControlDatabaseUnavailable(new IllegalStateException("other"))).isFalse();
    for (int i = 0; i < 1000; i++) {
      ResponseEntity<ProblemDetail> answer = responses.controlDatabaseUnavailable(timeout);
      assertThat(answer.getStatusCode().value()).as("answer %d of a flood", i).isEqualTo(503);
      assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("2");
    }
  }

  @Test
  void aTransactionThatCouldNotBeginForWantOfAConnectionIsAServiceUnavailableToo() {
    // What TransactionTemplate throws when the pool times out; seen as a 500 under the 1,000-learner load.
    ResponseEntity<ProblemDetail> answer = responses.unexpected(new org.springframework.transaction
        .CannotCreateTransactionException("Could not open JDBC Connection for transaction",
        new java.sql.SQLTransientConnectionException("HikariPool-1 - Connection is not available")));

    assertThat(answer.getStatusCode().value()).as("a handler's transaction that found no connection").isEqualTo(503);
    assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("2");
    assertThat(answer.getBody().getProperties()).containsEntry("code", "control-database-unavailable");
  }

  @Test
  void aControlDatabaseStatementCancelledByItsTimeoutIsAServiceUnavailableToo() {
    // What a rate-lease renewal that waited past its query timeout throws (SQLSTATE 57014).
    ResponseEntity<ProblemDetail> answer = responses.forThrowable(new jakarta.servlet.ServletException(
        new org.springframework.dao.QueryTimeoutException("canceling statement due to user request")));

    assertThat(answer.getStatusCode().value()).as("a control-database statement past its timeout").isEqualTo(503);
    assertThat(answer.getBody().getProperties()).containsEntry("code", "control-database-unavailable");
  }

  @Test
  void aTypedErrorThrownByAFilterKeepsItsCode() {
    ResponseEntity<ProblemDetail> answer = responses.forThrowable(new IllegalStateException("wrapped",
        new TaidonException(ErrorCode.PAYLOAD_TOO_LARGE, "too big")));
    assertThat(answer.getStatusCode().value()).isEqualTo(413);
    assertThat(answer.getBody().getDetail()).isEqualTo("too big");
  }

  @Test
  void anythingElseIsAnIncidentWithoutItsMessage() {
    ResponseEntity<ProblemDetail> answer = responses.forThrowable(new IllegalStateException("secret internals"));
    assertThat(answer.getStatusCode().value()).isEqualTo(500);
    assertThat(answer.getBody().getDetail()).doesNotContain("secret").contains("incident");
  }

  @Test
  void textTheControlDatabaseCannotStoreIsTheCallersInvalidArgumentNotAnIncident() {
    // What pgjdbc reports when a parameter holds U+0000: "invalid byte sequence for encoding UTF8: 0x00".
    ResponseEntity<ProblemDetail> answer = responses.unexpected(new org.springframework.dao.DataIntegrityViolationException(
        "PreparedStatementCallback", new java.sql.SQLException("invalid byte sequence for encoding \"UTF8\": 0x00",
        "22021")));

    assertThat(answer.getStatusCode().value()).as("a value with a NUL character refused by PostgreSQL").isEqualTo(400);
    assertThat(answer.getBody().getProperties()).containsEntry("code", "invalid-argument").doesNotContainKey("incident");
    assertThat(answer.getBody().getDetail()).contains("NUL");
    assertThat(responses.unexpected(new org.springframework.dao.DataIntegrityViolationException("duplicate",
        new java.sql.SQLException("duplicate key", "23505"))).getStatusCode().value())
        .as("other integrity violations stay incidents").isEqualTo(500);
  }
}
