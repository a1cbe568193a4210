package dev.taidon.gateway.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.web.Ndjson;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.idp.AccountKind;
import dev.taidon.sqlrunner.CellState;
import dev.taidon.sqlrunner.DatabaseSchema;
import dev.taidon.sqlrunner.Dataset;
import dev.taidon.sqlrunner.QueryRequest;
import dev.taidon.sqlrunner.RunEvent;
import dev.taidon.sqlrunner.RunRequest;
import dev.taidon.sqlrunner.RunResult;
import dev.taidon.sqlrunner.SqlRunner;
import dev.taidon.userprofile.Worksheet;
import dev.taidon.userprofile.WorksheetBase;
import dev.taidon.userprofile.WorksheetChange;
import dev.taidon.userprofile.WorksheetSummary;
import dev.taidon.userprofile.Worksheets;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Datasets, worksheets, runs and read-only queries. Every worksheet call is scoped to the caller: another account's
 * worksheet or run is {@code 404}, like one that does not exist.
 */
@RestController
class WorksheetController {
  private static final Logger log = LoggerFactory.getLogger(WorksheetController.class);

  private final Worksheets worksheets;
  private final SqlRunner runner;
  private final JsonMapper json;

  WorksheetController(Worksheets worksheets, SqlRunner runner, JsonMapper json) {
    this.worksheets = worksheets;
    this.runner = runner;
    this.json = json;
  }

  @GetMapping("/api/v1/datasets")
  List<Dataset> datasets() {
    return runner.datasets();
  }

  /** A worksheet as the API shows it: the caller's own, so without the owner. */
  record WorksheetView(
      String id, String title, WorksheetBase base, List<Worksheet.Cell> cells, long version, Instant createdAt,
      Instant updatedAt) {
    static WorksheetView of(Worksheet worksheet) {
      return new WorksheetView(worksheet.id(), worksheet.title(), worksheet.base(), worksheet.cells(),
          worksheet.version(), worksheet.createdAt(), worksheet.updatedAt());
    }
  }

  record NewWorksheet(String title, WorksheetBase base) {}

  @PostMapping("/api/v1/worksheets")
  ResponseEntity<WorksheetView> create(HttpServletRequest request, @RequestBody(required = false) NewWorksheet body) {
    String owner = caller(request).accountId();
    NewWorksheet wanted = body == null ? new NewWorksheet(null, null) : body;
    WorksheetBase base = runner.checkBase(owner, wanted.base() == null ? WorksheetBase.EMPTY : wanted.base());
    Worksheet worksheet = worksheets.createWorksheet(owner, wanted.title(), base);
    return ResponseEntity.created(URI.create("/api/v1/worksheets/" + worksheet.id())).body(WorksheetView.of(worksheet));
  }

  @GetMapping("/api/v1/worksheets")
  List<WorksheetSummary> list(HttpServletRequest request) {
    return worksheets.worksheetsOf(caller(request).accountId());
  }

  @GetMapping("/api/v1/worksheets/{id}")
  WorksheetView get(HttpServletRequest request, @PathVariable String id) {
    return WorksheetView.of(worksheets.worksheet(caller(request).accountId(), id));
  }

  /**
   * @param title a new title, or absent to keep it
   * @param cells every cell, in order
   * @param version the version the client edited, to refuse the save if the worksheet changed since
   */
  record WorksheetUpdate(String title, List<Worksheet.Cell> cells, Long version) {}

  @PutMapping("/api/v1/worksheets/{id}")
  WorksheetView update(HttpServletRequest request, @PathVariable String id, @RequestBody WorksheetUpdate body) {
    if (body.cells() == null) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "cells is required: the complete list of the worksheet's cells");
    }
    String owner = caller(request).accountId();
    Worksheet saved = worksheets.updateWorksheet(owner, id,
        new WorksheetChange(Optional.ofNullable(body.title()), body.cells(), Optional.ofNullable(body.version())));
    // In the background: the save is answered at once, and the learner's next run starts from what this restores.
    Thread.ofVirtual().name("prepare-" + id).start(() -> prepare(owner, id));
    return WorksheetView.of(saved);
  }

  private void prepare(String owner, String worksheetId) {
    try {
      runner.prepareRun(owner, worksheetId);
    } catch (RuntimeException e) {
      // Only a remote sql-runner fails here (it is unreachable); the next run says so if it lasts.
      log.debug("Could not prepare worksheet {} for its next run: {}", worksheetId, e.getMessage());
    }
  }

  @DeleteMapping("/api/v1/worksheets/{id}")
  ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable String id) {
    worksheets.deleteWorksheet(caller(request).accountId(), id);
    return ResponseEntity.noContent().build();
  }

  /**
   * @param through the last cell to run
   * @param from the first cell to run with results (for "run all"); absent for {@code through} alone
   */
  record RunBody(String through, String from) {}

  /**
   * Runs cells. {@code Accept: application/x-ndjson} streams the run's events as they happen;
   * anything else gets one JSON document at the end.
   */
  @PostMapping("/api/v1/worksheets/{id}/run")
  ResponseEntity<RunResult> run(HttpServletRequest request, HttpServletResponse response, @PathVariable String id,
      @RequestBody RunBody body, @RequestHeader(name = "Accept", required = false) String accept) throws IOException {
    AccessTokenVerifier.Caller caller = caller(request);
    if (body.through() == null || body.through().isBlank()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "through is required: the id of the last cell to run");
    }
    return answer(runner.run(new RunRequest(caller.accountId(), ownerKind(caller), id, body.through(),
        Optional.ofNullable(body.from()))), accept, response);
  }

  /**
   * @param at the cell whose state to query; absent for the worksheet's base
   * @param sql the query
   */
  record QueryBody(String at, String sql) {}

  /**
   * Queries the state after a cell read-only (time travel): answered like a run, whose last step
   * is the query.
   */
  @PostMapping("/api/v1/worksheets/{id}/query")
  ResponseEntity<RunResult> query(HttpServletRequest request, HttpServletResponse response, @PathVariable String id,
      @RequestBody QueryBody body, @RequestHeader(name = "Accept", required = false) String accept) throws IOException {
    AccessTokenVerifier.Caller caller = caller(request);
    return answer(runner.query(new QueryRequest(caller.accountId(), ownerKind(caller), id, Optional.ofNullable(body.at()),
        body.sql())), accept, response);
  }

  /** A run's events as NDJSON lines as they happen when the client asks for them, otherwise as one document. */
  private ResponseEntity<RunResult> answer(Stream<RunEvent> events, String accept, HttpServletResponse response)
      throws IOException {
    if (accept != null && accept.contains(Ndjson.MEDIA_TYPE)) {
      // A client that goes away fails the next write, which closes the stream and cancels the run.
      Ndjson.write(events, response, json);
      return null;
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(RunResult.collect(events));
  }

  @PostMapping("/api/v1/runs/{runId}/cancel")
  ResponseEntity<Void> cancel(HttpServletRequest request, @PathVariable String runId) {
    runner.cancelRun(caller(request).accountId(), runId);
    return ResponseEntity.accepted().build();
  }

  @PostMapping("/api/v1/worksheets/{id}/reset")
  ResponseEntity<Void> reset(HttpServletRequest request, @PathVariable String id) {
    AccessTokenVerifier.Caller caller = caller(request);
    runner.resetWorksheet(caller.accountId(), ownerKind(caller), id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/api/v1/worksheets/{id}/states")
  List<CellState> states(HttpServletRequest request, @PathVariable String id) {
    return runner.cellStates(caller(request).accountId(), id);
  }

  @GetMapping("/api/v1/worksheets/{id}/schema")
  DatabaseSchema schema(HttpServletRequest request, @PathVariable String id, @RequestParam Optional<String> through) {
    AccessTokenVerifier.Caller caller = caller(request);
    return runner.schema(caller.accountId(), ownerKind(caller), id, through);
  }

  static OwnerKind ownerKind(AccessTokenVerifier.Caller caller) {
    return caller.kind() == AccountKind.REGISTERED ? OwnerKind.REGISTERED : OwnerKind.ANONYMOUS;
  }

  static AccessTokenVerifier.Caller caller(HttpServletRequest request) {
    AccessTokenVerifier.Caller caller = (AccessTokenVerifier.Caller) request.getAttribute(BearerAuthentication.CALLER);
    if (caller == null) {
      throw new TaidonException(ErrorCode.UNAUTHENTICATED, "this call needs an access token");
    }
    return caller;
  }
}
