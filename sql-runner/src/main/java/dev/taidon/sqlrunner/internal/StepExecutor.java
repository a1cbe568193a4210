package dev.taidon.sqlrunner.internal;

import dev.taidon.sqlrunner.RunEvent;
import dev.taidon.sqlrunner.RunLimits;
import dev.taidon.sqlrunner.internal.wire.ResultLimits;
import dev.taidon.sqlrunner.internal.wire.ResultListener;
import dev.taidon.sqlrunner.internal.wire.ServerMessage;
import dev.taidon.sqlrunner.internal.wire.StatementResult;
import dev.taidon.sqlrunner.internal.wire.TransactionStatus;
import dev.taidon.sqlrunner.internal.wire.TypeNames;
import dev.taidon.sqlrunner.internal.wire.WireColumn;
import dev.taidon.sqlrunner.internal.wire.WireException;
import dev.taidon.sqlrunner.script.ScriptItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Executes one step (a cell or a script) statement by statement on a {@link SandboxSession}, the
 * way psql with {@code ON_ERROR_STOP} runs a file: the first error ends the step. Every statement
 * is held to the statement timeout by the runner itself (a cancel request when it expires), so a
 * learner who SETs {@code statement_timeout} away gains nothing.
 */
final class StepExecutor {
  /** After a cancel request, how long a statement may take to stop before its connection is cut. */
  static final Duration CANCEL_GRACE = Duration.ofSeconds(5);
  private static final int ROWS_PER_EVENT = 200;
  /** Notices of one statement that are reported; a statement may raise millions. */
  static final int MAX_NOTICES = 1000;
  private static final long BYTES_PER_EVENT = 256 * 1024;
  private static final int JSON_TYPE_OID = 114;
  private static final Pattern ROW_COUNT_TAG = Pattern.compile(
      "^(?:INSERT \\d+|SELECT|UPDATE|DELETE|MERGE|COPY|FETCH|MOVE) (\\d+)$");
  private static final Pattern ROW_COUNTING_TAG = Pattern.compile(
      "^(INSERT|SELECT|UPDATE|DELETE|MERGE|COPY|FETCH|MOVE)\\b.*");

  private final ScheduledExecutorService watchdog;
  private final TypeNames typeNames;
  private final JsonMapper json;

  StepExecutor(ScheduledExecutorService watchdog, TypeNames typeNames, JsonMapper json) {
    this.watchdog = watchdog;
    this.typeNames = typeNames;
    this.json = json;
  }

  /** How a step ended. */
  enum Outcome {
    SUCCEEDED, FAILED, CANCELLED, TIMED_OUT;

    String apiName() {
      return this == TIMED_OUT ? "failed" : name().toLowerCase(Locale.ROOT);
    }

    /** Whether the sandbox's data is still exactly what the step's inputs produce. */
    boolean deterministic() {
      return this == SUCCEEDED || this == FAILED;
    }
  }

  record StepOutcome(Outcome outcome, TransactionStatus transaction, double durationMs) {}

  /**
   * What a step is and how to show it.
   *
   * @param items the step's statements and meta-commands
   * @param withResults whether rows, columns and statements are reported (the head) or only the
   *     step's outcome (the tail)
   * @param limits the result and time limits
   * @param source how errors name where the step comes from ("cell c1", "file init/01.sql")
   */
  record Step(List<ScriptItem> items, boolean withResults, RunLimits limits, String source) {}

  StepOutcome execute(Step step, SandboxSession session, RunControl control, Consumer<RunEvent> emit) {
    long started = System.nanoTime();
    int index = 0;
    Outcome outcome = Outcome.SUCCEEDED;
    for (ScriptItem item : step.items()) {
      if (control.cancelled()) {
        outcome = Outcome.CANCELLED;
        break;
      }
      Outcome statement = switch (item) {
        case ScriptItem.Statement sql -> statement(step, sql, index, session, control, emit);
        case ScriptItem.MetaCommand meta -> metaCommand(step, meta, index, session, emit);
      };
      index++;
      if (statement != Outcome.SUCCEEDED) {
        outcome = statement;
        break;
      }
    }
    TransactionStatus transaction = session.wire().isOpen() ? session.transactionStatus() : TransactionStatus.IDLE;
    return new StepOutcome(outcome, transaction, millisSince(started));
  }

  private Outcome statement(Step step, ScriptItem.Statement sql, int index, SandboxSession session, RunControl control,
      Consumer<RunEvent> emit) {
    RunEvent.StatementStarted start = new RunEvent.StatementStarted(index, sql.sql(), sql.position());
    if (step.withResults()) {
      emit.accept(start);
    }
    Results results = new Results(step.withResults(), session, emit);
    long started = System.nanoTime();
    long timeoutMillis = step.limits().statementTimeout().toMillis();
    long number = control.startStatement(session);
    ScheduledFuture<?> cancelAtTimeout = watchdog.schedule(() -> control.timeOut(number), timeoutMillis,
        TimeUnit.MILLISECONDS);
    ScheduledFuture<?> cutAfterGrace = watchdog.schedule(() -> control.abort(number),
        timeoutMillis + CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    ResultLimits limits = step.withResults()
        ? new ResultLimits(step.limits().maxRows(), step.limits().maxResultBytes(), step.limits().maxValueBytes())
        : ResultLimits.NONE;
    StatementResult result;
    try {
      result = session.execute(sql.sql(), sql.copyData().orElse(null), results, limits);
    } catch (WireException lost) {
      Outcome outcome = control.timedOut(number) ? Outcome.TIMED_OUT
          : control.cancelled() ? Outcome.CANCELLED : Outcome.FAILED;
      String message = outcome == Outcome.TIMED_OUT
          ? "the statement did not stop within " + CANCEL_GRACE.toSeconds() + " s of its timeout, so its session was closed"
          : "the connection to the sandbox was lost: " + lost.getMessage();
      endStatement(step, emit, start, Optional.empty(), false, Optional.of(new RunEvent.SqlError(
          outcome == Outcome.TIMED_OUT ? "57014" : "08006", message, Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty())), Optional.empty(), started);
      return outcome;
    } finally {
      control.endStatement();
      cancelAtTimeout.cancel(false);
      cutAfterGrace.cancel(false);
    }
    results.finish();
    boolean noticesDropped = results.noticesDropped();
    boolean cancelled = result.error().map(error -> error.sqlstate().equals("57014")).orElse(false);
    Outcome outcome = result.error().isEmpty() ? Outcome.SUCCEEDED
        : cancelled && control.timedOut(number) ? Outcome.TIMED_OUT
        : cancelled && control.cancelled() ? Outcome.CANCELLED
        : Outcome.FAILED;
    Optional<RunEvent.SqlError> error = result.error().map(message -> sqlError(message, sql, step, outcome));
    endStatement(step, emit, start, result.commandTag(), result.truncated() || noticesDropped, error, results.plan(),
        started);
    return outcome;
  }

  private void endStatement(Step step, Consumer<RunEvent> emit, RunEvent.StatementStarted start, Optional<String> tag,
      boolean truncated, Optional<RunEvent.SqlError> error, Optional<JsonNode> plan, long started) {
    if (!step.withResults()) {
      if (error.isPresent()) {
        // The tail shows only the statement that went wrong.
        emit.accept(start);
        emit.accept(new RunEvent.StatementEnded(Optional.empty(), Optional.empty(), false, error, Optional.empty(),
            millisSince(started)));
      }
      return;
    }
    emit.accept(new RunEvent.StatementEnded(tag, tag.flatMap(StepExecutor::rowCount), truncated, error, plan,
        millisSince(started)));
  }

  static Optional<Long> rowCount(String tag) {
    Matcher counted = ROW_COUNT_TAG.matcher(tag);
    if (counted.matches()) {
      return Optional.of(Long.parseLong(counted.group(1)));
    }
    return ROW_COUNTING_TAG.matcher(tag).matches() ? Optional.of(0L) : Optional.empty();
  }

  private RunEvent.SqlError sqlError(ServerMessage message, ScriptItem.Statement sql, Step step, Outcome outcome) {
    String text = switch (outcome) {
      case TIMED_OUT -> "the statement ran longer than " + describe(step.limits().statementTimeout())
          + ", the limit for your account, and was cancelled";
      case CANCELLED -> "the run was cancelled";
      default -> message.message();
    };
    Optional<ScriptItem.Position> position = message.position() > 0
        ? Optional.of(sql.positionAt(message.position() - 1))
        : Optional.empty();
    return new RunEvent.SqlError(message.sqlstate(), text, message.detail(), message.hint(), position, message.where());
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }

  private Outcome metaCommand(Step step, ScriptItem.MetaCommand meta, int index, SandboxSession session,
      Consumer<RunEvent> emit) {
    String text = "\\" + meta.name() + (meta.arguments().isEmpty() ? "" : " " + String.join(" ", meta.arguments()));
    if (step.withResults()) {
      emit.accept(new RunEvent.StatementStarted(index, text, meta.position()));
    }
    long started = System.nanoTime();
    switch (meta.name()) {
      case "c", "connect" -> {
        // The parser read the arguments as psql does ("\c chinook;" names chinook, "\c \"My DB\"" My DB).
        List<String> arguments = meta.arguments().stream().filter(argument -> !argument.isEmpty()).toList();
        String database = arguments.isEmpty() || arguments.getFirst().equals("-")
            ? session.database() : arguments.getFirst();
        if (arguments.size() > 1 && !arguments.get(1).equals("-") && !arguments.get(1).equals(session.user())) {
          return metaError(step, emit, started, meta, index, "\\connect as another user is not supported: sandboxes"
              + " run every session as " + session.user());
        }
        try {
          session.connect(database);
        } catch (WireException refused) {
          String reason = refused.serverMessage().map(ServerMessage::message).orElse(refused.getMessage());
          return metaError(step, emit, started, meta, index, "connection to database \"" + database + "\" failed: " + reason);
        }
        if (step.withResults()) {
          emit.accept(new RunEvent.Notice("INFO", "You are now connected to database \"" + database + "\" as user \""
              + session.user() + "\".", Optional.empty(), Optional.empty()));
        }
      }
      case "set", "unset" -> {
        // Applied by the parser, which substitutes variables as psql's lexer does.
      }
      case "i", "include", "ir", "include_relative" -> {
        return metaError(step, emit, started, meta, index, "\\" + meta.name() + " includes files of a project; a cell"
            + " has none (" + step.source() + ", line " + meta.position().line() + ")");
      }
      case "echo", "qecho" -> {
        if (step.withResults()) {
          emit.accept(new RunEvent.Notice("INFO", String.join(" ", meta.arguments()), Optional.empty(), Optional.empty()));
        }
      }
      default -> {
        return metaError(step, emit, started, meta, index, "\\" + meta.name() + " is not supported (" + step.source()
            + ", line " + meta.position().line() + "): the runner supports \\connect (\\c), \\set, \\unset, \\echo and, in projects, \\i and \\ir");
      }
    }
    if (step.withResults()) {
      emit.accept(new RunEvent.StatementEnded(Optional.empty(), Optional.empty(), false, Optional.empty(),
          Optional.empty(), millisSince(started)));
    }
    return Outcome.SUCCEEDED;
  }

  private Outcome metaError(Step step, Consumer<RunEvent> emit, long started, ScriptItem.MetaCommand meta, int index,
      String message) {
    if (!step.withResults()) {
      emit.accept(new RunEvent.StatementStarted(index, "\\" + meta.name() + " " + String.join(" ", meta.arguments()),
          meta.position()));
    }
    emit.accept(new RunEvent.StatementEnded(Optional.empty(), Optional.empty(), false,
        Optional.of(new RunEvent.SqlError("42601", message, Optional.empty(), Optional.empty(),
            Optional.of(meta.position()), Optional.empty())), Optional.empty(), millisSince(started)));
    return Outcome.FAILED;
  }

  private static double millisSince(long started) {
    return Math.round((System.nanoTime() - started) / 10_000.0) / 100.0;
  }

  /**
   * Turns protocol callbacks into events: columns with type names, rows in batches, notices in
   * order. When a column's type needs the catalog, rows wait (within the limits) until the
   * statement is done and the session can answer the lookup.
   */
  private final class Results implements ResultListener {
    private final boolean withResults;
    private final SandboxSession session;
    private final Consumer<RunEvent> emit;
    private List<WireColumn> pendingColumns;
    private final List<List<String>> batch = new ArrayList<>();
    private long batchBytes;
    private boolean explainJson;
    private String firstValue;
    private long notices;

    Results(boolean withResults, SandboxSession session, Consumer<RunEvent> emit) {
      this.withResults = withResults;
      this.session = session;
      this.emit = emit;
    }

    @Override
    public void columns(List<WireColumn> columns) {
      if (!withResults) {
        return;
      }
      flush();
      explainJson = columns.size() == 1 && columns.getFirst().name().equals("QUERY PLAN")
          && columns.getFirst().typeOid() == JSON_TYPE_OID;
      List<RunEvent.Column> named = new ArrayList<>();
      for (WireColumn column : columns) {
        Optional<String> type = typeNames.known(column.typeOid(), column.typeModifier());
        if (type.isEmpty()) {
          pendingColumns = columns;
          return;
        }
        named.add(new RunEvent.Column(column.name(), type.get()));
      }
      emit.accept(new RunEvent.Columns(named));
    }

    @Override
    public void row(List<String> values, boolean cut) {
      if (!withResults) {
        return;
      }
      if (explainJson && firstValue == null) {
        firstValue = values.getFirst();
      }
      batch.add(values);
      for (String value : values) {
        batchBytes += value == null ? 4 : value.length();
      }
      if (pendingColumns == null && (batch.size() >= ROWS_PER_EVENT || batchBytes >= BYTES_PER_EVENT)) {
        flush();
      }
    }

    @Override
    public void notice(ServerMessage notice) {
      if (!withResults) {
        return;
      }
      if (notices++ >= MAX_NOTICES) {
        // A loop that raises a notice per iteration must not fill the answer; the rest are counted.
        return;
      }
      flush();
      emit.accept(new RunEvent.Notice(notice.severity(), notice.message(), notice.detail(), notice.hint()));
    }

    /** Whether notices were left out, after saying how many. */
    boolean noticesDropped() {
      if (notices <= MAX_NOTICES) {
        return false;
      }
      emit.accept(new RunEvent.Notice("INFO", (notices - MAX_NOTICES) + " more notices were left out: a statement"
          + " shows at most " + MAX_NOTICES, Optional.empty(), Optional.empty()));
      return true;
    }

    /** The statement is done and the session idle: name the columns that waited, send the rest. */
    void finish() {
      if (pendingColumns != null) {
        List<String> types = typeNames.resolve(pendingColumns, session.wire());
        List<RunEvent.Column> named = new ArrayList<>();
        for (int i = 0; i < pendingColumns.size(); i++) {
          named.add(new RunEvent.Column(pendingColumns.get(i).name(), types.get(i)));
        }
        pendingColumns = null;
        emit.accept(new RunEvent.Columns(named));
      }
      flush();
    }

    private void flush() {
      if (pendingColumns != null || batch.isEmpty()) {
        return;
      }
      emit.accept(new RunEvent.Rows(List.copyOf(batch)));
      batch.clear();
      batchBytes = 0;
    }

    Optional<JsonNode> plan() {
      if (!explainJson || firstValue == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(json.readTree(firstValue));
      } catch (RuntimeException cutOrMalformed) {
        return Optional.empty();
      }
    }
  }
}
