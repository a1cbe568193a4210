package dev.taidon.sqlrunner;

import dev.taidon.envmanager.OwnerKind;
import dev.taidon.userprofile.WorksheetBase;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs worksheets: plans a run from the chain's state ids, positions a sandbox at the tail (as it
 * is, restored from the longest cached prefix, then replayed), executes the head and streams every
 * statement's outcome. Callers have checked who {@code owner} is; everything here is scoped to it.
 */
public interface SqlRunner {

  /** The built-in datasets a worksheet may start from. */
  List<Dataset> datasets();

  /**
   * Checks that {@code owner} may start a worksheet on {@code base} and returns it in canonical form.
   *
   * @throws dev.taidon.core.TaidonException {@code NOT_FOUND} for an unknown dataset, project or a
   *     state the owner may not read; {@code INVALID_ARGUMENT} naming file and line when a project's
   *     scripts fail (the project's states are built here)
   */
  WorksheetBase checkBase(String owner, WorksheetBase base);

  /**
   * Starts a run and returns its events as they happen. The stream must be closed; closing it
   * before the end cancels the run.
   *
   * @throws dev.taidon.core.TaidonException {@code NOT_FOUND} for a worksheet or cell the owner does
   *     not have; {@code CONFLICT} while another run of the same worksheet is in progress
   */
  Stream<RunEvent> run(RunRequest request);

  /**
   * Queries a state of the worksheet read-only: positions the worksheet's sandbox at the state
   * after {@code request.atCellId()} exactly as a run would (the cells before it reused, restored
   * or replayed, and published as a run publishes them), then runs {@code request.sql()} with the
   * owner's limits in a read-only transaction that is rolled back. The events are those of a run
   * whose last step, {@link QueryRequest#STEP_ID}, is the query; it publishes nothing, and the
   * sandbox stays at the state queried. The stream must be closed; closing it before the end
   * cancels the query, as does {@link #cancelRun} with its run id.
   *
   * @throws dev.taidon.core.TaidonException {@code NOT_FOUND} for a worksheet or cell the owner does
   *     not have; {@code INVALID_ARGUMENT} naming the line for a query that is missing, too long,
   *     unparseable, or holds transaction control or a meta-command that would act beyond the
   *     transaction; {@code CONFLICT} while a run of the same worksheet is in progress
   */
  Stream<RunEvent> query(QueryRequest request);

  /**
   * Cancels a run in progress. The statement running is cancelled, the run ends with outcome
   * {@code cancelled}, and the sandbox stays usable.
   *
   * @throws dev.taidon.core.TaidonException {@code NOT_FOUND} unless the owner has this run in progress
   */
  void cancelRun(String owner, String runId);

  /**
   * Gets the worksheet's sandbox ready for the next run after its cells were saved, so that the
   * restore an edit of an earlier cell calls for happens while the learner reaches for Run: when a
   * run through the last cell would restore, the longest cached prefix of the saved cells is
   * restored now, and the next run reports those cells as restored without waiting for it. Does
   * nothing when the worksheet has no sandbox yet, a run or another preparation holds it, a
   * transaction is open in its session, or the run would not restore. A run that arrives meanwhile
   * waits for the preparation to end. Never fails: what goes wrong is left to the next run.
   */
  void prepareRun(String owner, String worksheetId);

  /** Puts the worksheet's sandbox back at the worksheet's base (discarding what the cells did). */
  void resetWorksheet(String owner, OwnerKind kind, String worksheetId);

  /**
   * Checks that anyone may start from {@code base}, as a share of a worksheet on it needs: the
   * empty database, a built-in dataset, or a public or shared state.
   *
   * @throws dev.taidon.core.TaidonException {@code CONFLICT} for a project's seeded state or a
   *     private state, which only their owner may read; {@code NOT_FOUND} for a state the owner may
   *     not read either
   */
  void checkPublicBase(String owner, WorksheetBase base);

  /** The state of every cell of the worksheet: its id, and whether and when it is cached. */
  List<CellState> cellStates(String owner, String worksheetId);

  /**
   * The schema of the database after {@code throughCellId} (or at the base, when empty), read from
   * the worksheet's sandbox, positioned there as a run would position it.
   */
  DatabaseSchema schema(String owner, OwnerKind kind, String worksheetId, java.util.Optional<String> throughCellId);

  /**
   * Runs a project's {@code test/} scripts (or those its {@code taidon.yaml} lists) on its seeded
   * state, building that state first if it is not cached.
   *
   * @throws dev.taidon.core.TaidonException {@code NOT_FOUND} unless the owner has the project;
   *     {@code INVALID_ARGUMENT} naming the file and line when a script of its chain fails
   */
  ProjectTests testProject(String owner, OwnerKind kind, String projectId);

  /** The limits runs of an owner kind are held to. */
  RunLimits limits(OwnerKind kind);
}
