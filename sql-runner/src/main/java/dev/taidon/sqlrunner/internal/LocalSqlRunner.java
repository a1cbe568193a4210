package dev.taidon.sqlrunner.internal;

import dev.taidon.auditlog.AuditEvent;
import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.FieldDigest;
import dev.taidon.core.TaidonException;
import dev.taidon.envmanager.Checkpoint;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.Presence;
import dev.taidon.envmanager.SandboxEndpoint;
import dev.taidon.envmanager.SandboxId;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.SnapshotCache;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.snapshotcache.StateInfo;
import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.sqlrunner.CellState;
import dev.taidon.sqlrunner.DatabaseSchema;
import dev.taidon.sqlrunner.ProjectTests;
import dev.taidon.sqlrunner.Dataset;
import dev.taidon.sqlrunner.QueryRequest;
import dev.taidon.sqlrunner.ReplayedStepPublishing;
import dev.taidon.sqlrunner.RunEvent;
import dev.taidon.sqlrunner.RunLimits;
import dev.taidon.sqlrunner.RunRequest;
import dev.taidon.sqlrunner.RunnerSettings;
import dev.taidon.sqlrunner.SqlRunner;
import dev.taidon.sqlrunner.internal.wire.TransactionStatus;
import dev.taidon.sqlrunner.internal.wire.TypeNames;
import dev.taidon.sqlrunner.internal.wire.WireAddress;
import dev.taidon.sqlrunner.script.ScriptContext;
import dev.taidon.sqlrunner.script.ScriptItem;
import dev.taidon.sqlrunner.script.ScriptParser;
import dev.taidon.userprofile.Worksheet;
import dev.taidon.userprofile.WorksheetBase;
import dev.taidon.userprofile.Worksheets;
import dev.taidon.vcssync.Projects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sql-runner (DESIGN §4). A run: compute the chain's state ids; take the worksheet's sandbox
 * (one per worksheet while the owner's quota allows, otherwise the owner's least recently used
 * one); if it already holds the tail, use it as it is, otherwise restore the longest cached prefix
 * or continue from what it holds, whichever is further; replay the rest of the tail; execute the
 * head, streaming results; publish each step that ends outside a transaction, when the store makes
 * that cheap. The state a run leaves the sandbox at is published after the answer, before the
 * worksheet's next run, reset, preparation or state listing, which wait for it.
 */
final class LocalSqlRunner implements SqlRunner {
  private static final Logger log = LoggerFactory.getLogger(LocalSqlRunner.class);
  private static final Pattern VOLATILE = Pattern.compile("(?i)\\b(now|random|clock_timestamp|statement_timestamp"
      + "|transaction_timestamp|timeofday|gen_random_uuid|uuidv4|uuidv7|current_timestamp|current_time|localtime"
      + "|localtimestamp|current_date|pg_backend_pid|txid_current|pg_current_xact_id|setseed)\\b");
  private static final int SQL_EXCERPT_CHARS = 200;
  /** How long the end of a run waits for the control database to take its record. */
  static final Duration RECORD_PATIENCE = Duration.ofSeconds(15);
  /**
   * How long a sandbox with a live session is used without telling env-manager again: far below
   * any idle time, and it saves three control-database statements per run.
   */
  static final Duration REOPEN_AFTER = Duration.ofSeconds(5);
  /** What a restore is taken to cost before one was measured, in milliseconds. */
  static final double INITIAL_RESTORE_MILLIS = 60;
  /**
   * How long a run waits for brief work on its sandbox to end: a preparation in progress, or the
   * publish of the state the previous run left.
   */
  static final Duration PREPARATION_PATIENCE = Duration.ofSeconds(30);
  /** What publishing a step is taken to cost before one was measured, in milliseconds. */
  static final double INITIAL_PUBLISH_MILLIS = 20;
  /** The weight of the latest measurement in the running estimates of what a restore and a publish cost. */
  static final double COST_ESTIMATE_WEIGHT = 0.1;

  private final EnvManager envManager;
  private final SnapshotCache cache;
  private final Worksheets worksheets;
  private final AuditLog auditLog;
  private final RunStore store;
  private final StepExecutor executor;
  private final SchemaReader schemaReader;
  private final TypeNames typeNames;
  private final RunnerSettings settings;
  private final JsonMapper json;
  private final RunnerMetrics metrics;
  private final ExecutorService workers;
  private final Projects projects;
  private final ScriptChains scriptChains;
  /** Built projects: projects are immutable, so their seeded state only changes if it is evicted. */
  private final Map<String, Base> projectBases = new ConcurrentHashMap<>();
  private final Map<String, Object> projectLocks = new ConcurrentHashMap<>();
  private final Map<SandboxId, SandboxSlot> slots = new ConcurrentHashMap<>();
  /** A running estimate of what restoring a sandbox costs, against which replaying is weighed. */
  private volatile double restoreMillis = INITIAL_RESTORE_MILLIS;
  /** A running estimate of what publishing a step costs, against which replayed steps are weighed. */
  private volatile double publishMillis = INITIAL_PUBLISH_MILLIS;
  private final Map<String, SandboxId> worksheetSandboxes = new ConcurrentHashMap<>();
  private final Map<String, ActiveRun> runs = new ConcurrentHashMap<>();
  private final Map<String, Object> ownerLocks = new ConcurrentHashMap<>();
  private final Map<String, Object> datasetLocks = new ConcurrentHashMap<>();
  /** Loaded datasets: their states are pinned, so once loaded they stay. */
  private final Map<String, Base> datasetBases = new ConcurrentHashMap<>();

  LocalSqlRunner(EnvManager envManager, SnapshotCache cache, Worksheets worksheets, AuditLog auditLog, RunStore store,
      StepExecutor executor, SchemaReader schemaReader, TypeNames typeNames, RunnerSettings settings, JsonMapper json,
      RunnerMetrics metrics, ExecutorService workers, Projects projects, ScriptChains scriptChains) {
    this.projects = projects;
    this.scriptChains = scriptChains;
    this.envManager = envManager;
    this.cache = cache;
    this.worksheets = worksheets;
    this.auditLog = auditLog;
    this.store = store;
    this.executor = executor;
    this.schemaReader = schemaReader;
    this.typeNames = typeNames;
    this.settings = settings;
    this.json = json;
    this.metrics = metrics;
    this.workers = workers;
  }

  private record ActiveRun(String owner, RunControl control) {}

  /** A worksheet's base: its state and the session context its first cell continues from. */
  private record Base(StateId state, RunStore.StateContext context) {}

  // ---------------------------------------------------------------------------------------------
  // Datasets and bases

  @Override
  public List<Dataset> datasets() {
    return DatasetCatalog.BUILT_IN.stream().map(DatasetCatalog.Source::dataset).toList();
  }

  @Override
  public WorksheetBase checkBase(String owner, WorksheetBase base) {
    base.project().ifPresent(project -> projectBase(owner, project));
    base.dataset().ifPresent(DatasetCatalog::require);
    base.stateId().ifPresent(id -> readableState(owner, new StateId(id)));
    return base;
  }

  @Override
  public void checkPublicBase(String owner, WorksheetBase base) {
    if (base.project().isPresent()) {
      throw readableOnlyByOwner("project " + base.project().get());
    }
    if (base.stateId().isPresent()) {
      StateInfo state = readableState(owner, new StateId(base.stateId().get()));
      if (!state.visibility().equals("public") && !state.visibility().equals("shared")) {
        throw readableOnlyByOwner("state " + state.id().shortForm() + "…");
      }
    }
    base.dataset().ifPresent(DatasetCatalog::require);
  }

  private static TaidonException readableOnlyByOwner(String base) {
    return new TaidonException(ErrorCode.CONFLICT, "the worksheet starts from " + base + ", which only you may read,"
        + " so others could not open a copy of it; a worksheet on an empty database, a dataset or a public state can"
        + " be shared");
  }

  private StateInfo readableState(String owner, StateId id) {
    Optional<StateInfo> info = cache.describe(id);
    if (info.isEmpty() && awaitPublishesOf(owner)) {
      // A state a run of the owner just answered with is kept right after the answer.
      info = cache.describe(id);
    }
    boolean readable = info.isPresent() && (info.get().visibility().equals("public")
        || info.get().visibility().equals("shared") || info.get().owner().map(owner::equals).orElse(false));
    if (!readable) {
      throw new TaidonException(ErrorCode.NOT_FOUND, "no state " + id.shortForm() + "… that you may read");
    }
    return info.get();
  }

  /** Waits for the owner's publishes after answers that are in progress; tells whether there were any. */
  private boolean awaitPublishesOf(String owner) {
    boolean waited = false;
    for (SandboxSlot slot : List.copyOf(slots.values())) {
      if (slot.owner.equals(owner) && slot.heldBriefly()) {
        awaitBriefHold(slot);
        waited = true;
      }
    }
    return waited;
  }

  private Base base(String owner, WorksheetBase base) {
    if (base.dataset().isPresent()) {
      return datasetBase(DatasetCatalog.require(base.dataset().get()));
    }
    if (base.stateId().isPresent()) {
      StateId state = new StateId(base.stateId().get());
      readableState(owner, state);
      return new Base(state, store.context(state).orElse(rootContext()));
    }
    if (base.project().isPresent()) {
      return projectBase(owner, base.project().get());
    }
    return new Base(envManager.rootState(), rootContext());
  }

  private static RunStore.StateContext rootContext() {
    return RunStore.StateContext.ROOT;
  }

  /** The dataset's state, loaded into the cache (once, under a lock) if it is not there. */
  private Base datasetBase(DatasetCatalog.Source source) {
    Base loaded = datasetBases.get(source.dataset().id());
    return loaded != null ? loaded : datasetBases.computeIfAbsent(source.dataset().id(), id -> loadDataset(source));
  }

  private Base loadDataset(DatasetCatalog.Source source) {
    String script = source.script();
    synchronized (datasetLocks.computeIfAbsent(source.dataset().id(), id -> new Object())) {
      ScriptChains.Script step = new ScriptChains.Script(source.scriptResource(), ScriptParser.parse(script),
          Chains.scriptDigest(script));
      ScriptChains.Built built = scriptChains.build(List.of(step), Optional.empty(), "public",
          new RunLimits(settings.datasetStatementTimeout(), 0, 0, 64), "dataset " + source.dataset().id());
      if (cache.describe(built.state()).map(StateInfo::pins).orElse(0) == 0) {
        cache.pin(built.state());
      }
      return new Base(built.state(), built.context());
    }
  }

  /** The project's seeded state, built (from its longest cached prefix) when it is not cached. */
  private Base projectBase(String owner, String projectId) {
    Base known = projectBases.get(projectId);
    if (known != null && scriptChains.stillCached(known.state())) {
      projects.project(owner, projectId);
      return known;
    }
    synchronized (projectLocks.computeIfAbsent(projectId, id -> new Object())) {
      ProjectScripts scripts = new ProjectScripts(projects.projectFiles(owner, projectId));
      ScriptChains.Built built = scriptChains.build(scripts.steps(), Optional.of(owner), "private",
          new RunLimits(settings.datasetStatementTimeout(), 0, 0, 64), "project " + projectId);
      Base base = new Base(built.state(), built.context());
      projectBases.put(projectId, base);
      return base;
    }
  }

  @Override
  public ProjectTests testProject(String owner, OwnerKind kind, String projectId) {
    Base seeded = projectBase(owner, projectId);
    List<ScriptChains.Script> tests = new ProjectScripts(projects.projectFiles(owner, projectId)).tests();
    List<ProjectTests.ScriptResult> results = new ArrayList<>();
    long began = System.nanoTime();
    List<Optional<ScriptChains.Failure>> failures = scriptChains.runEach(
        new ScriptChains.Built(seeded.state(), seeded.context()), tests, settings.limits(kind));
    double each = tests.isEmpty() ? 0 : millis(System.nanoTime() - began) / tests.size();
    for (int i = 0; i < tests.size(); i++) {
      Optional<ProjectTests.ScriptFailure> failure = failures.get(i).map(f -> new ProjectTests.ScriptFailure(f.sqlstate(),
          f.message(), f.file(), f.line(), f.column()));
      results.add(new ProjectTests.ScriptResult(tests.get(i).path(), failure.isEmpty(), each, failure));
    }
    int passed = (int) results.stream().filter(ProjectTests.ScriptResult::passed).count();
    auditLog.append(new AuditEvent("project.tested", owner, Map.of("project", projectId, "passed",
        Integer.toString(passed), "failed", Integer.toString(results.size() - passed))));
    return new ProjectTests(projectId, seeded.state().hex(), passed, results.size() - passed, results);
  }

  /** Loads every built-in dataset that is not cached yet; failures are logged, learners retry on use. */
  void prebuildDatasets() {
    for (DatasetCatalog.Source source : DatasetCatalog.BUILT_IN) {
      try {
        datasetBase(source);
      } catch (RuntimeException e) {
        log.warn("Could not load dataset {} ahead of use: {}", source.dataset().id(), e.getMessage());
      }
    }
  }

  /** Replayed steps show no rows; a cell is held to its owner's statement timeout whether replayed or not. */
  private static RunLimits replayLimits(RunLimits owners) {
    return new RunLimits(owners.statementTimeout(), 0, 0, 64);
  }

  @Override
  public RunLimits limits(OwnerKind kind) {
    return settings.limits(kind);
  }

  // ---------------------------------------------------------------------------------------------
  // Sandboxes

  /** The worksheet's sandbox, hot and with its permit held; released by {@link #release}. */
  private SandboxSlot acquire(String owner, OwnerKind kind, String worksheetId, Supplier<StateId> creationState) {
    while (true) {
      SandboxSlot slot;
      synchronized (ownerLocks.computeIfAbsent(owner, key -> new Object())) {
        slot = assigned(owner, worksheetId).orElseGet(() -> assign(owner, kind, worksheetId, creationState));
        if (slot.permit.tryAcquire()) {
          slot.lastUsedNanos = System.nanoTime();
          return slot;
        }
        if (!slot.heldBriefly()) {
          throw new TaidonException(ErrorCode.CONFLICT, "a run of this worksheet is in progress: wait for it to end"
              + " or cancel it");
        }
      }
      awaitBriefHold(slot);
    }
  }

  /**
   * Waits, outside the owner's lock, until brief work on the slot has ended (a preparation, or the
   * publish after a run's answer: each takes a restore's or a snapshot's time); the caller then
   * takes the slot as if it had been free.
   */
  private static void awaitBriefHold(SandboxSlot slot) {
    try {
      if (!slot.permit.tryAcquire(PREPARATION_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new TaidonException(ErrorCode.CONFLICT, "the worksheet's sandbox is still being prepared or its state"
            + " kept after " + PREPARATION_PATIENCE.toSeconds() + " s: try again");
      }
      slot.permit.release();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaidonException(ErrorCode.CONFLICT, "interrupted while the worksheet's sandbox was being prepared", e);
    }
  }

  private Optional<SandboxSlot> assigned(String owner, String worksheetId) {
    SandboxId id = worksheetSandboxes.get(worksheetId);
    SandboxSlot slot = id == null ? null : slots.get(id);
    if (slot == null || !slot.owner.equals(owner) || !worksheetId.equals(slot.worksheetId)) {
      return Optional.empty();
    }
    return Optional.of(slot);
  }

  private SandboxSlot assign(String owner, OwnerKind kind, String worksheetId, Supplier<StateId> creation) {
    List<SandboxInfo> existing = envManager.sandboxesOf(owner);
    SandboxSlot slot;
    if (existing.size() < envManager.quota(kind).sandboxes()) {
      StateId creationState = creation.get();
      SandboxInfo created = envManager.createSandbox(owner, kind, creationState);
      slot = new SandboxSlot(created.id(), owner);
      slot.at(creationState, store.context(creationState).orElse(rootContext()), false);
      slots.put(created.id(), slot);
    } else {
      // Reuse the owner's sandbox that waited longest, unless a run holds it.
      slot = existing.stream()
          .map(info -> slots.computeIfAbsent(info.id(), id -> new SandboxSlot(id, owner)))
          .filter(candidate -> candidate.permit.availablePermits() > 0)
          .min(Comparator.comparingLong(candidate -> candidate.worksheetId == null ? Long.MIN_VALUE : candidate.lastUsedNanos))
          .orElseThrow(() -> new TaidonException(ErrorCode.QUOTA_EXCEEDED, "all your " + existing.size()
              + " sandboxes are running other worksheets right now; wait for a run to end",
              Map.of("limit", "sandboxes", "max", existing.size()), null));
      if (slot.worksheetId != null) {
        worksheetSandboxes.remove(slot.worksheetId, slot.id);
      }
    }
    slot.worksheetId = worksheetId;
    worksheetSandboxes.put(worksheetId, slot.id);
    return slot;
  }

  private static void release(SandboxSlot slot) {
    slot.release();
  }

  /**
   * Makes the slot's sandbox hot and its session usable; forgets a position that depended on a
   * session that is gone.
   */
  private SandboxEndpoint open(SandboxSlot slot) {
    boolean alive = slot.session != null && slot.session.isAlive();
    if (alive && slot.endpoint != null && System.nanoTime() - slot.openedNanos < REOPEN_AFTER.toNanos()) {
      // A live session proves the server runs; telling env-manager of the use can wait a little.
      return slot.endpoint;
    }
    if (!alive) {
      slot.closeSession();
      // A sandbox that went cold comes back at the state it was last restored to or published as.
      SandboxInfo info = describe(slot);
      if (info.failure().isPresent()) {
        // Stopped for a reason (its disk limit): it starts again from the state it last held in
        // the cache, and positioning replays the rest.
        log.info("Sandbox {} was stopped ({}); resetting it to {}", slot.id, info.failure().get(),
            info.state().shortForm());
        slot.unknown();
        envManager.resetSandbox(slot.id, info.state());
      } else if (info.presence() == Presence.COLD) {
        Optional<RunStore.StateContext> context = info.state().equals(envManager.rootState())
            ? Optional.of(rootContext()) : store.context(info.state());
        context.ifPresentOrElse(known -> slot.at(info.state(), known, false), slot::unknown);
      }
    }
    try {
      return reopen(slot);
    } catch (TaidonException e) {
      forgetIfGone(slot, e);
      throw e;
    }
  }

  private SandboxEndpoint reopen(SandboxSlot slot) {
    slot.endpoint = envManager.openSandbox(slot.id);
    slot.openedNanos = System.nanoTime();
    return slot.endpoint;
  }

  /** Why env-manager stopped the sandbox, when it did. */
  private Optional<String> stoppedBecause(SandboxSlot slot) {
    try {
      return envManager.describeSandbox(slot.id).failure().map(reason -> "the sandbox was stopped: " + reason
          + "; the next run starts it again from the last cached state");
    } catch (TaidonException e) {
      return Optional.empty();
    }
  }

  private SandboxInfo describe(SandboxSlot slot) {
    try {
      return envManager.describeSandbox(slot.id);
    } catch (TaidonException e) {
      forgetIfGone(slot, e);
      throw e;
    }
  }

  /** A sandbox deleted underneath (account upkeep, an operator): the worksheet gets another one next time. */
  private void forgetIfGone(SandboxSlot slot, TaidonException e) {
    if (e.code() == ErrorCode.NOT_FOUND) {
      slots.remove(slot.id);
      worksheetSandboxes.remove(slot.worksheetId, slot.id);
    }
  }

  private void ensureSession(SandboxSlot slot, SandboxEndpoint endpoint, RunStore.StateContext context) {
    if (slot.session == null) {
      slot.session = SandboxSession.open(new WireAddress(endpoint.address()), endpoint.user(), context.database());
      slot.nextTransactionId = null;
      slot.sessionSettings = Map.of();
      typeNames.learn(slot.session.wire());
    } else if (!slot.session.database().equals(context.database())) {
      slot.session.connect(context.database());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Runs

  @Override
  public Stream<RunEvent> run(RunRequest request) {
    Worksheet worksheet = worksheets.worksheet(request.owner(), request.worksheetId());
    List<Worksheet.Cell> cells = worksheet.cells();
    int through = cellIndex(worksheet, request.throughCellId());
    int from = request.fromCellId().map(id -> cellIndex(worksheet, id)).orElse(through);
    if (from > through) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the run starts at cell " + request.fromCellId().get()
          + ", which comes after cell " + request.throughCellId());
    }
    long began = System.nanoTime();
    Base base = base(request.owner(), worksheet.base());
    return start(new RunPlan(newRunId(), request, worksheet, base, chain(base, cells.subList(0, through + 1)), from,
        through, began, parseCells(cells.subList(0, through + 1), ScriptContext.forCells()), Optional.empty()));
  }

  @Override
  public Stream<RunEvent> query(QueryRequest request) {
    Worksheet worksheet = worksheets.worksheet(request.owner(), request.worksheetId());
    int at = request.atCellId().map(id -> cellIndex(worksheet, id)).orElse(-1);
    List<Worksheet.Cell> cells = worksheet.cells().subList(0, at + 1);
    // The query sees the variables the cells before it set, as the next cell would.
    ScriptContext context = ScriptContext.forCells();
    List<ParsedCell> parsed = parseCells(cells, context);
    List<ScriptItem> items = ReadOnlyQuery.parse(request.sql(), context, settings.maxQueryChars());
    long began = System.nanoTime();
    Base base = base(request.owner(), worksheet.base());
    RunRequest positioning = new RunRequest(request.owner(), request.ownerKind(), worksheet.id(),
        request.atCellId().orElse(""), Optional.empty());
    return start(new RunPlan(newRunId(), positioning, worksheet, base, chain(base, cells), at + 1, at, began, parsed,
        Optional.of(new Query(request.sql(), items))));
  }

  /** The base and then the state after each of {@code cells}. */
  private static List<StateId> chain(Base base, List<Worksheet.Cell> cells) {
    List<StateId> chain = new ArrayList<>();
    chain.add(base.state());
    chain.addAll(Chains.cellStates(base.state(), cells.stream().map(Worksheet.Cell::sql).toList()));
    return chain;
  }

  private static String newRunId() {
    return "run-" + UUID.randomUUID().toString().replace("-", "");
  }

  /** Takes the worksheet's sandbox and executes the plan on a worker, returning its events as they come. */
  private Stream<RunEvent> start(RunPlan plan) {
    RunRequest request = plan.request();
    List<StateId> chain = plan.chain();
    // A new sandbox starts where this run would restore to anyway.
    SandboxSlot slot = acquire(request.owner(), request.ownerKind(), plan.worksheet().id(), () -> {
      int cached = cache.longestCachedPrefix(chain.subList(0, plan.from() + 1));
      return cached >= 0 ? chain.get(cached) : plan.base().state();
    });
    String runId = plan.runId();
    RunControl control = new RunControl();
    EventStream events = new EventStream();
    try {
      store.started(plan.identity());
      runs.put(runId, new ActiveRun(request.owner(), control));
      workers.execute(() -> {
        Recorded recorded = null;
        Object publishing = null;
        try {
          try {
            recorded = execute(plan, slot, control, events::emit);
          } finally {
            runs.remove(runId);
            if (recorded != null && recorded.publishAfterAnswer().isPresent()) {
              // The sandbox stays taken until its state is kept; whoever needs it next waits.
              publishing = slot.holdBriefly();
            } else {
              release(slot);
            }
            try {
              if (recorded != null) {
                // The run's record is final before the learner hears how it ended, so a crash
                // cannot leave a run that was answered without its outcome in the records.
                recordOutcome(recorded);
                events.emit(recorded.ended());
              }
            } finally {
              events.end();
            }
          }
        } finally {
          if (publishing != null) {
            try {
              publishAfterAnswer(slot, recorded.publishAfterAnswer().get());
            } finally {
              slot.endBriefHold(publishing);
            }
          }
        }
        // Off the learner's path: the audit entry follows the answer.
        if (recorded != null) {
          audit(recorded);
        }
      });
    } catch (RuntimeException e) {
      runs.remove(runId);
      release(slot);
      throw e;
    }
    return events.stream(control::cancel);
  }

  private static int cellIndex(Worksheet worksheet, String cellId) {
    for (int i = 0; i < worksheet.cells().size(); i++) {
      if (worksheet.cells().get(i).id().equals(cellId)) {
        return i;
      }
    }
    throw new TaidonException(ErrorCode.NOT_FOUND, "worksheet " + worksheet.id() + " has no cell '"
        + (cellId == null ? "null" : cellId.length() > 64 ? cellId.substring(0, 64) + "…" : cellId) + "'");
  }

  /**
   * One run's inputs. {@code chain} holds the base and then the state after each cell through the
   * last one asked for: cell {@code i} leads to {@code chain[i + 1]}. A read-only query's plan
   * executes no cell ({@code from} is past {@code through}) and then {@code query} on
   * {@code chain[through + 1]}.
   */
  private record RunPlan(String runId, RunRequest request, Worksheet worksheet, Base base, List<StateId> chain,
      int from, int through, long began, List<ParsedCell> cells, Optional<Query> query) {
    RunStore.RunIdentity identity() {
      return new RunStore.RunIdentity(runId, query.isPresent() ? "query" : "run", request.owner(), worksheet.id(),
          request.throughCellId(), chain.get(through + 1));
    }
  }

  /** A read-only query's text and what it holds. */
  private record Query(String sql, List<ScriptItem> items) {}

  /** A cell as parsed in the worksheet's session context, or why it cannot be. */
  private record ParsedCell(List<ScriptItem> items, Optional<TaidonException> error) {}

  /**
   * Parses cells in order with one context, as one psql session reads them: a {@code \set} in a
   * cell holds in the cells after it.
   */
  private static List<ParsedCell> parseCells(List<Worksheet.Cell> cells, ScriptContext context) {
    List<ParsedCell> parsed = new ArrayList<>();
    for (Worksheet.Cell cell : cells) {
      try {
        parsed.add(new ParsedCell(ScriptParser.parse(cell.sql(), "", context), Optional.empty()));
      } catch (TaidonException unparseable) {
        parsed.add(new ParsedCell(List.of(), Optional.of(unparseable)));
      }
    }
    return parsed;
  }

  /** Where time went, for the run's timings. */
  private static final class Clock {
    long planNanos;
    long restoreNanos;
    long replayNanos;
    long executeNanos;
  }

  /**
   * What a finished run leaves to record, its last event, sent once the record is written, and the
   * state it left the sandbox at when that is to be published after the answer.
   */
  private record Recorded(RunPlan plan, String outcome, Optional<StateId> restoredFrom, int replayed, int executed,
      double totalMs, RunEvent.Ended ended, Optional<PendingPublish> publishAfterAnswer) {}

  /** A step's state to publish once the learner has the run's answer: the sandbox still holds it. */
  private record PendingPublish(RunPlan plan, StateId parent, StateId state, Worksheet.Cell source, double stepMillis,
      RunStore.StateContext context) {}

  /** What a step did, and the publish of its state if that was left for after the run's answer. */
  private record StepResult(StepExecutor.Outcome outcome, Optional<PendingPublish> publishAfterAnswer) {}

  private Recorded execute(RunPlan plan, SandboxSlot slot, RunControl control, Consumer<RunEvent> emit) {
    Clock clock = new Clock();
    String outcome = "succeeded";
    Optional<String> failure = Optional.empty();
    Optional<StateId> restoredFrom = Optional.empty();
    int replayed = 0;
    int executed = 0;
    boolean announced = false;
    Optional<PendingPublish> publishAfterAnswer = Optional.empty();
    try {
      SandboxEndpoint endpoint = open(slot);
      Positioning positioning = position(slot, endpoint, plan.chain(), plan.from(), plan.base());
      restoredFrom = positioning.restored();
      emit.accept(new RunEvent.Started(plan.runId(), plan.worksheet().id(), plannedSteps(plan, positioning)));
      announced = true;
      clock.planNanos = System.nanoTime() - plan.began() - positioning.restoreNanos();
      clock.restoreNanos = positioning.restoreNanos();
      boolean stopped = false;
      ReplayBudget budget = new ReplayBudget();
      for (int cell = positioning.firstStep(); cell <= plan.through() && !stopped; cell++) {
        boolean head = cell >= plan.from();
        long stepStarted = System.nanoTime();
        // The state the run leaves the sandbox at is kept after the answer; earlier ones at once,
        // as the sandbox moves on from them.
        boolean last = cell == plan.through() && plan.query().isEmpty();
        StepResult result = step(plan, slot, cell, head, last, budget, control, emit);
        publishAfterAnswer = result.publishAfterAnswer();
        StepExecutor.Outcome step = result.outcome();
        if (head) {
          executed++;
          clock.executeNanos += System.nanoTime() - stepStarted;
        } else {
          replayed++;
          clock.replayNanos += System.nanoTime() - stepStarted;
        }
        metrics.step(head ? RunEvent.Mode.executed : RunEvent.Mode.replayed, System.nanoTime() - stepStarted);
        outcome = outcomeAfter(outcome, step);
        stopped = !step.deterministic();
      }
      if (plan.query().isPresent() && !stopped) {
        long stepStarted = System.nanoTime();
        StepExecutor.Outcome step = queryStep(plan, slot, control, emit);
        executed++;
        clock.executeNanos += System.nanoTime() - stepStarted;
        metrics.step(RunEvent.Mode.executed, System.nanoTime() - stepStarted);
        outcome = outcomeAfter(outcome, step);
      }
      if (slot.session == null) {
        // The session was lost; if env-manager stopped the sandbox on purpose, the learner hears why.
        failure = stoppedBecause(slot);
      }
    } catch (TaidonException e) {
      outcome = control.cancelled() ? "cancelled" : "failed";
      failure = Optional.of(e.getMessage());
      slot.unknown();
      slot.closeSession();
      log.info("Run {} of {} stopped: {}", plan.runId(), plan.request().owner(), e.getMessage());
    } catch (RuntimeException e) {
      outcome = "failed";
      failure = Optional.of("the platform failed while running: " + e);
      slot.unknown();
      slot.closeSession();
      log.warn("Run {} of {} failed", plan.runId(), plan.request().owner(), e);
    }
    long total = System.nanoTime() - plan.began();
    if (!announced) {
      // The run stopped before it had a plan; the learner still gets its id, for the records.
      emit.accept(new RunEvent.Started(plan.runId(), plan.worksheet().id(), List.of()));
    }
    RunEvent.Ended ended = new RunEvent.Ended(outcome, new RunEvent.Timings(millis(clock.planNanos),
        millis(clock.restoreNanos), millis(clock.replayNanos), millis(clock.executeNanos), millis(total)), failure);
    metrics.run(outcome, total);
    // A run that lost or closed its session (a failure, a cancel) leaves nothing to keep.
    return new Recorded(plan, outcome, restoredFrom, replayed, executed, millis(total), ended,
        slot.session == null ? Optional.empty() : publishAfterAnswer);
  }

  /** A run's outcome after a step: a failed step fails it; one that stopped it says why it stopped. */
  private static String outcomeAfter(String outcome, StepExecutor.Outcome step) {
    if (!step.deterministic()) {
      return step == StepExecutor.Outcome.CANCELLED ? "cancelled" : "failed";
    }
    return step == StepExecutor.Outcome.FAILED ? "failed" : outcome;
  }

  /**
   * Writes the run's outcome, trying again for up to {@link #RECORD_PATIENCE} while the control
   * database is away (it restarts within seconds), since the learner is told the outcome only
   * after it is recorded. Past that the learner is told anyway and the record says
   * {@code interrupted} after the next start, the truth as far as the records can know it.
   */
  private void recordOutcome(Recorded run) {
    long deadline = System.nanoTime() + RECORD_PATIENCE.toNanos();
    long pauseMillis = 100;
    while (true) {
      try {
        store.finished(run.plan().identity(), run.outcome(), run.restoredFrom(), run.replayed(), run.executed(),
            run.totalMs());
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() + pauseMillis * 1_000_000 > deadline) {
          log.warn("Could not record the end of run {}: {}", run.plan().runId(), e.getMessage());
          return;
        }
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
        pauseMillis = Math.min(pauseMillis * 2, 2_000);
      }
    }
  }

  private void audit(Recorded run) {
    RunPlan plan = run.plan();
    String outcome = run.outcome();
    double totalMs = run.totalMs();
    try {
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("run", plan.runId());
      attributes.put("worksheet", plan.worksheet().id());
      attributes.put(plan.query().isPresent() ? "at" : "through", plan.request().throughCellId());
      attributes.put("state", plan.chain().get(plan.through() + 1).hex());
      attributes.put("outcome", outcome);
      attributes.put("durationMs", Double.toString(totalMs));
      String sql = plan.query().map(Query::sql).orElseGet(() -> plan.worksheet().cells().get(plan.through()).sql());
      attributes.put("sqlDigest", FieldDigest.sha256(List.of(sql)));
      attributes.put("sqlExcerpt", sql.length() > SQL_EXCERPT_CHARS ? sql.substring(0, SQL_EXCERPT_CHARS) + "…" : sql);
      auditLog.append(new AuditEvent(plan.query().isPresent() ? "query.finished" : "run.finished", plan.request().owner(),
          attributes));
    } catch (RuntimeException e) {
      log.warn("Could not audit the end of run {}: {}", plan.runId(), e.getMessage());
    }
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  /**
   * Where the run starts executing.
   *
   * @param firstStep the first cell to execute (replay or head)
   * @param fromCache how many cells are covered by a restored snapshot; 0 when the sandbox was used as it was
   * @param restored the state restored, if any
   */
  private record Positioning(int firstStep, int fromCache, Optional<StateId> restored, long restoreNanos) {}

  /**
   * Brings the sandbox to a state of {@code chain[0..target]} from which the rest can be replayed:
   * as it is when it holds one at least as far as the longest cached prefix, or when running the
   * cells in between again costs less than a restore; otherwise restored.
   */
  private Positioning position(SandboxSlot slot, SandboxEndpoint endpoint, List<StateId> chain, int target, Base base) {
    List<StateId> wanted = chain.subList(0, target + 1);
    StartingPoint start = startingPoint(slot, wanted);
    int held = start.held();
    int cached = start.cached();
    if (start.sandboxAsItIs()) {
      RunStore.StateContext context = slot.context(wanted.get(held)).orElse(base.context());
      ensureSession(slot, endpoint, context);
      continueAt(slot, context);
      StateId prepared = slot.preparedRestore;
      if (wanted.get(held).equals(prepared)) {
        // Restored for this run when the cells were saved: the cells up to it came from the cache.
        slot.preparedRestore = null;
        metrics.tailFound(restoredTail(wanted, held));
        return new Positioning(held, held, Optional.of(prepared), 0);
      }
      metrics.tailFound(held == wanted.size() - 1 ? "sandbox_at_tail" : "sandbox_prefix");
      return new Positioning(held, 0, Optional.empty(), 0);
    }
    if (cached < 0) {
      throw new TaidonException(ErrorCode.NOT_FOUND, "the worksheet's base state " + base.state().shortForm()
          + "… is no longer cached, so the worksheet cannot be rebuilt; start a new worksheet from a dataset");
    }
    long restoreNanos = restore(slot, wanted.get(cached), cached == 0, base);
    metrics.tailFound(restoredTail(wanted, cached));
    return new Positioning(cached, cached, Optional.of(wanted.get(cached)), restoreNanos);
  }

  /**
   * Where a run positioned at {@code wanted} starts.
   *
   * @param held the last state of {@code wanted} the sandbox holds, or -1
   * @param cached the longest cached prefix of {@code wanted}, or -1 (also when the sandbox holds its last state)
   * @param sandboxAsItIs whether the run uses the sandbox as it is (replaying what follows) rather than restoring
   */
  private record StartingPoint(int held, int cached, boolean sandboxAsItIs) {}

  /**
   * The sandbox as it is when it holds a state at least as far as the longest cached prefix, or
   * when running the cells in between again costs less than a restore; otherwise the cached prefix.
   */
  private StartingPoint startingPoint(SandboxSlot slot, List<StateId> wanted) {
    int held = slot.positionIn(wanted);
    int cached = held == wanted.size() - 1 ? -1 : cache.longestCachedPrefix(wanted);
    return new StartingPoint(held, cached, held >= 0 && (held >= cached || replayingIsCheaper(wanted, held, cached)));
  }

  private static String restoredTail(List<StateId> wanted, int restored) {
    return restored == wanted.size() - 1 ? "cache_tail" : restored == 0 ? "base_only" : "cache_prefix";
  }

  /**
   * Restores the slot's sandbox to {@code state} and opens a session continuing from it; returns
   * how long that took, which the running estimate of a restore's cost learns from.
   */
  private long restore(SandboxSlot slot, StateId state, boolean isBase, Base base) {
    long started = System.nanoTime();
    slot.closeSession();
    boolean fromPool = resetTo(slot, state);
    RunStore.StateContext context = isBase ? base.context() : store.context(state).orElse(base.context());
    SandboxEndpoint reopened = reopen(slot);
    ensureSession(slot, reopened, context);
    slot.session.applySettings(Map.of(), context.settings());
    slot.at(state, context, false);
    slot.sessionSettings = context.settings();
    slot.session.probe(json).ifPresent(probe -> slot.nextTransactionId = probe.nextTransactionId());
    long restoreNanos = System.nanoTime() - started;
    metrics.restored(restoreNanos);
    if (!fromPool) {
      // The estimate is of a restore from the cache; a state with a pool is only the few most used.
      restoreMillis = COST_ESTIMATE_WEIGHT * millis(restoreNanos) + (1 - COST_ESTIMATE_WEIGHT) * restoreMillis;
    }
    return restoreNanos;
  }

  /**
   * Puts the slot, whose permit the caller holds and whose session is closed, at {@code state}: on
   * a pooled sandbox already running there when env-manager has one (the slot then names that
   * sandbox and the old one is deleted), otherwise by resetting its own. Returns whether the pool
   * served it.
   */
  private boolean resetTo(SandboxSlot slot, StateId state) {
    slot.endpoint = null;
    // Under the owner's lock: the claimed sandbox is the owner's from the claim on, and another
    // worksheet of the owner assigning a slot to it in between would give it two.
    synchronized (ownerLocks.computeIfAbsent(slot.owner, key -> new Object())) {
      Optional<SandboxId> replacement = envManager.replaceFromPool(slot.id, state);
      if (replacement.isPresent()) {
        SandboxId replaced = slot.id;
        slot.id = replacement.get();
        // Added before removed: upkeep forgets an owner's lock when the owner has no slot left.
        slots.put(slot.id, slot);
        slots.remove(replaced, slot);
        if (slot.worksheetId != null) {
          worksheetSandboxes.replace(slot.worksheetId, replaced, slot.id);
        }
        return true;
      }
    }
    envManager.resetSandbox(slot.id, state);
    return false;
  }

  @Override
  public void prepareRun(String owner, String worksheetId) {
    SandboxSlot slot = null;
    Object preparing = null;
    for (int attempt = 0; preparing == null; attempt++) {
      synchronized (ownerLocks.computeIfAbsent(owner, key -> new Object())) {
        slot = assigned(owner, worksheetId).orElse(null);
        if (slot == null) {
          return;
        }
        if (slot.permit.tryAcquire()) {
          preparing = slot.holdBriefly();
        } else if (attempt > 0 || !slot.heldBriefly()) {
          return;
        }
      }
      if (preparing == null) {
        // Most often the state of the run just answered is being kept: the save came right after it.
        try {
          awaitBriefHold(slot);
        } catch (TaidonException e) {
          return;
        }
      }
    }
    try {
      if (slot.sessionBound) {
        // A transaction is open in the session: only a run may decide to give it up.
        return;
      }
      Worksheet worksheet = worksheets.worksheet(owner, worksheetId);
      if (worksheet.cells().isEmpty()) {
        return;
      }
      Base base = base(owner, worksheet.base());
      List<StateId> chain = chain(base, worksheet.cells());
      // What a run through the last cell positions at: every state before its head.
      List<StateId> wanted = chain.subList(0, chain.size() - 1);
      StartingPoint start = startingPoint(slot, wanted);
      if (start.sandboxAsItIs() || start.cached() < 0) {
        return;
      }
      restore(slot, wanted.get(start.cached()), start.cached() == 0, base);
      slot.preparedRestore = wanted.get(start.cached());
      metrics.prepared();
    } catch (RuntimeException e) {
      slot.unknown();
      slot.closeSession();
      log.info("Preparing the sandbox of worksheet {} of {} failed; its next run restores: {}", worksheetId, owner,
          e.getMessage());
    } finally {
      slot.endBriefHold(preparing);
    }
  }

  /**
   * Whether running the cells after the sandbox's position up to the cached one again costs less
   * than restoring the cached state: a learner who skips ahead over a few quick cells is served
   * from the sandbox they have. Each cell's cost is what building its state took when it was
   * published; a state the tree does not know makes the answer no.
   */
  private boolean replayingIsCheaper(List<StateId> wanted, int held, int cached) {
    double replayMillis = 0;
    for (int i = held + 1; i <= cached; i++) {
      Optional<StateInfo> info = cache.describe(wanted.get(i));
      if (info.isEmpty()) {
        return false;
      }
      replayMillis += info.get().buildCostMillis();
      if (replayMillis >= restoreMillis) {
        return false;
      }
    }
    return true;
  }

  /** Puts the session's SET settings back to what they were at the state the run continues from. */
  private void continueAt(SandboxSlot slot, RunStore.StateContext context) {
    if (slot.sessionBound) {
      return;
    }
    if (slot.sessionSettings == null || slot.nextTransactionId == null) {
      slot.session.probe(json).ifPresent(probe -> {
        slot.nextTransactionId = probe.nextTransactionId();
        slot.sessionSettings = probe.settings();
      });
    }
    if (slot.sessionSettings != null && !slot.sessionSettings.equals(context.settings())) {
      slot.session.applySettings(slot.sessionSettings, context.settings());
      slot.sessionSettings = context.settings();
    }
  }

  private List<RunEvent.PlannedStep> plannedSteps(RunPlan plan, Positioning positioning) {
    List<RunEvent.PlannedStep> steps = new ArrayList<>();
    for (int cell = 0; cell <= plan.through(); cell++) {
      RunEvent.Mode mode = cell < positioning.fromCache() ? RunEvent.Mode.restored
          : cell < positioning.firstStep() ? RunEvent.Mode.reused
          : cell < plan.from() ? RunEvent.Mode.replayed
          : RunEvent.Mode.executed;
      steps.add(new RunEvent.PlannedStep(plan.worksheet().cells().get(cell).id(), plan.chain().get(cell + 1).hex(), mode));
    }
    if (plan.query().isPresent()) {
      steps.add(new RunEvent.PlannedStep(QueryRequest.STEP_ID, plan.chain().get(plan.through() + 1).hex(),
          RunEvent.Mode.executed));
    }
    return steps;
  }

  /**
   * Runs one cell and publishes its state when that is worth it; with {@code publishLater}, the
   * publish is handed back to be done after the run's answer instead (and reported as done).
   */
  private StepResult step(RunPlan plan, SandboxSlot slot, int cell, boolean head,
      boolean publishLater, ReplayBudget budget, RunControl control, Consumer<RunEvent> emit) {
    Worksheet.Cell source = plan.worksheet().cells().get(cell);
    StateId parent = plan.chain().get(cell);
    StateId state = plan.chain().get(cell + 1);
    RunEvent.Mode mode = head ? RunEvent.Mode.executed : RunEvent.Mode.replayed;
    emit.accept(new RunEvent.StepStarted(source.id(), mode));
    long started = System.nanoTime();
    ParsedCell parsed = plan.cells().get(cell);
    List<ScriptItem> items = parsed.items();
    if (parsed.error().isPresent()) {
      emitUnrun(emit, source.sql(), "42601", parsed.error().get().getMessage());
      // Nothing ran, so the data is unchanged; a session's settings are too.
      RunStore.StateContext unchanged = slot.context(parent).orElse(plan.base().context());
      slot.alsoAt(state, unchanged);
      emit.accept(new RunEvent.StepEnded(source.id(), state.hex(), "failed", "idle", false, false, millis(System.nanoTime() - started)));
      return new StepResult(StepExecutor.Outcome.FAILED, Optional.empty());
    }
    RunLimits owners = settings.limits(plan.request().ownerKind());
    RunLimits limits = head ? owners : replayLimits(owners);
    StepExecutor.StepOutcome outcome = executor.execute(new StepExecutor.Step(items, head, limits, "cell " + source.id()),
        slot.session, control, emit);
    if (!head) {
      budget.ran(outcome.durationMs());
    }
    boolean published = false;
    Optional<PendingPublish> pending = Optional.empty();
    TransactionStatus transaction = outcome.transaction();
    if (!outcome.outcome().deterministic() || !slot.session.wire().isOpen()) {
      slot.unknown();
      slot.closeSession();
    } else if (transaction != TransactionStatus.IDLE) {
      slot.at(state, new RunStore.StateContext(slot.session.database(), Map.of()), true);
      slot.sessionSettings = null;
    } else {
      Optional<SandboxSession.Probe> probe = slot.session.probe(json);
      RunStore.StateContext context = new RunStore.StateContext(slot.session.database(),
          probe.map(SandboxSession.Probe::settings).orElse(Map.of()));
      boolean readOnly = probe.isPresent() && slot.nextTransactionId != null && !slot.sessionBound
          && probe.get().nextTransactionId().equals(slot.nextTransactionId)
          && slot.context(parent).map(context::equals).orElse(false);
      slot.nextTransactionId = probe.map(SandboxSession.Probe::nextTransactionId).orElse(null);
      slot.sessionSettings = probe.map(SandboxSession.Probe::settings).orElse(null);
      if (readOnly) {
        slot.alsoAt(state, context);
      } else {
        slot.at(state, context, false);
      }
      if (outcome.outcome() == StepExecutor.Outcome.SUCCEEDED && worthPublishing(head, outcome.durationMs(), readOnly, budget)) {
        if (publishLater) {
          pending = Optional.of(new PendingPublish(plan, parent, state, source, outcome.durationMs(), context));
          published = true;
        } else {
          published = publish(plan, slot, parent, state, source, outcome.durationMs(), context);
        }
        if (published) {
          budget.published();
        }
      }
    }
    emit.accept(new RunEvent.StepEnded(source.id(), state.hex(), outcome.outcome().apiName(),
        transaction.name().toLowerCase(java.util.Locale.ROOT), published,
        VOLATILE.matcher(source.sql()).find(), millis(System.nanoTime() - started)));
    return new StepResult(outcome.outcome(), pending);
  }

  /** Reports a step's text as one statement that could not run, with why. */
  private static void emitUnrun(Consumer<RunEvent> emit, String sql, String sqlstate, String message) {
    emit.accept(new RunEvent.StatementStarted(0, sql, new ScriptItem.Position(1, 1)));
    emit.accept(new RunEvent.StatementEnded(Optional.empty(), Optional.empty(), false, Optional.of(
        new RunEvent.SqlError(sqlstate, message, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty())), Optional.empty(), 0));
  }

  /**
   * The query of a read-only query, on the state the sandbox holds after the plan's cells: in a
   * read-only transaction that is rolled back, so nothing it does to the data outlives it. The
   * sandbox keeps its position only if the session shows that nothing else outlived it either (no
   * transaction id consumed, the same settings, prepared statements, cursors and advisory locks);
   * otherwise the position becomes unknown and the next run restores.
   */
  private StepExecutor.Outcome queryStep(RunPlan plan, SandboxSlot slot, RunControl control, Consumer<RunEvent> emit) {
    Query query = plan.query().orElseThrow();
    StateId state = plan.chain().get(plan.through() + 1);
    emit.accept(new RunEvent.StepStarted(QueryRequest.STEP_ID, RunEvent.Mode.executed));
    long started = System.nanoTime();
    SandboxSession session = slot.session;
    StepExecutor.Outcome outcome;
    if (session == null || !session.isAlive()) {
      // A cell before the query ended the session (a FATAL error); the position is already unknown.
      emitUnrun(emit, query.sql(), "08006", "the session with the sandbox ended while the cells before the query ran;"
          + " the next query or run rebuilds the state");
      outcome = StepExecutor.Outcome.FAILED;
    } else if (session.transactionStatus() != TransactionStatus.IDLE) {
      emitUnrun(emit, query.sql(), "25001", "the state after cell " + plan.request().throughCellId() + " is inside"
          + " a transaction the cells left open, and a query runs in a transaction of its own; query the state"
          + " after a cell that ends it");
      outcome = StepExecutor.Outcome.FAILED;
    } else {
      Optional<SandboxSession.Probe> before = session.probe(json);
      // Throws when the transaction cannot begin as it should: nothing runs, and the run fails with
      // the position unknown.
      SandboxSession.SessionObjects objects = session.beginReadOnly();
      StepExecutor.StepOutcome executed = executor.execute(new StepExecutor.Step(query.items(), true,
          settings.limits(plan.request().ownerKind()), "the query"), session, control, emit);
      outcome = executed.outcome();
      if (!leftNoTrace(session, executed, before, objects)) {
        slot.unknown();
        slot.closeSession();
      }
    }
    emit.accept(new RunEvent.StepEnded(QueryRequest.STEP_ID, state.hex(), outcome.apiName(), "idle", false,
        VOLATILE.matcher(query.sql()).find(), millis(System.nanoTime() - started)));
    return outcome;
  }

  /** Rolls a query's transaction back and tells whether the session is as it was before the query. */
  private boolean leftNoTrace(SandboxSession session, StepExecutor.StepOutcome executed,
      Optional<SandboxSession.Probe> before, SandboxSession.SessionObjects objects) {
    // A query that ended the transaction itself ran statements outside it.
    if (!session.isAlive() || executed.transaction() == TransactionStatus.IDLE || before.isEmpty() || objects.cursors()) {
      return false;
    }
    try {
      return session.rollbackReadOnly().equals(objects) && session.probe(json).equals(before);
    } catch (TaidonException lost) {
      return false;
    }
  }

  /**
   * Whether a step's state is published: an executed step's (and, with {@code every-step}, a
   * replayed one's) by the store's rule; a replayed step's by cost, when the steps replayed since
   * the last snapshot cost at least what a snapshot costs (on the copy backend, at least its
   * {@code publish-every-step-above} as well).
   */
  private boolean worthPublishing(boolean head, double stepMillis, boolean readOnly, ReplayBudget budget) {
    if (head || settings.replayedStepPublishing() == ReplayedStepPublishing.EVERY_STEP) {
      return worthPublishing(stepMillis, readOnly);
    }
    double snapshotMillis = cache.backend() == StoreBackend.COPY
        ? Math.max(publishMillis, settings.publishEveryStepAbove().toMillis()) : publishMillis;
    return budget.snapshotDue(snapshotMillis, settings.replaySnapshotShare());
  }

  private boolean worthPublishing(double stepMillis, boolean readOnly) {
    if (readOnly) {
      return stepMillis >= settings.readOnlyPublishAbove().toMillis();
    }
    return cache.backend() != StoreBackend.COPY || stepMillis >= settings.publishEveryStepAbove().toMillis();
  }

  /**
   * Publishes the state a run left the sandbox at, after its answer. The learner was told it is
   * kept; when the store refuses it (it is full of states nobody may evict), it is not, and a later
   * run replays it. Never fails.
   */
  private void publishAfterAnswer(SandboxSlot slot, PendingPublish pending) {
    try {
      if (slot.session == null || !slot.session.isAlive() || slot.positionIn(List.of(pending.state())) < 0) {
        return;
      }
      publish(pending.plan(), slot, pending.parent(), pending.state(), pending.source(), pending.stepMillis(),
          pending.context());
    } catch (RuntimeException e) {
      slot.unknown();
      slot.closeSession();
      log.warn("State {} of run {} was not published after its answer", pending.state().shortForm(),
          pending.plan().runId(), e);
    }
  }

  private boolean publish(RunPlan plan, SandboxSlot slot, StateId parent, StateId state,
      Worksheet.Cell source, double stepMillis, RunStore.StateContext context) {
    if (cache.describe(state).map(StateInfo::snapshot).orElse(false)) {
      return true;
    }
    long started = System.nanoTime();
    try {
      // The context first: a snapshot is only ever restored together with it.
      store.saveContext(state, context);
      // Over the learner's own session: the env-manager then needs no backend of its own per sandbox.
      // A store without atomic snapshots stops the server to publish, and the stop checkpoints.
      Checkpoint checkpoint = cache.backend().atomicSnapshots() && slot.session.checkpoint()
          ? Checkpoint.DONE_BY_CALLER : Checkpoint.BY_ENV_MANAGER;
      envManager.publishState(slot.id, new NewState(state, Optional.of(parent),
          Optional.of(Chains.cellDigest(source.sql())), Math.round(stepMillis), Optional.of(plan.request().owner()),
          "private"), checkpoint);
      long took = System.nanoTime() - started;
      metrics.published(took);
      publishMillis = COST_ESTIMATE_WEIGHT * millis(took) + (1 - COST_ESTIMATE_WEIGHT) * publishMillis;
    } catch (TaidonException e) {
      log.info("State {} of run {} was not published: {}", state.shortForm(), plan.runId(), e.getMessage());
      return false;
    } finally {
      // A store that cannot snapshot a running server stopped it; the session went with it.
      if (slot.session != null && !slot.session.isAlive()) {
        slot.session = null;
        ensureSession(slot, reopen(slot), context);
        slot.session.applySettings(Map.of(), context.settings());
        slot.sessionSettings = context.settings();
        slot.nextTransactionId = null;
      }
    }
    return true;
  }

  @Override
  public void cancelRun(String owner, String runId) {
    ActiveRun run = runId == null ? null : runs.get(runId);
    if (run == null || !run.owner().equals(owner)) {
      throw new TaidonException(ErrorCode.NOT_FOUND, "no run " + (runId == null ? "null"
          : runId.length() > 40 ? runId.substring(0, 40) + "…" : runId) + " of yours is in progress");
    }
    run.control().cancel();
  }

  // ---------------------------------------------------------------------------------------------
  // Worksheet state

  @Override
  public void resetWorksheet(String owner, OwnerKind kind, String worksheetId) {
    Worksheet worksheet = worksheets.worksheet(owner, worksheetId);
    Base base = base(owner, worksheet.base());
    SandboxSlot slot = acquire(owner, kind, worksheet.id(), base::state);
    try {
      slot.closeSession();
      resetTo(slot, base.state());
      slot.at(base.state(), base.context(), false);
      slot.nextTransactionId = null;
    } catch (RuntimeException e) {
      slot.unknown();
      throw e;
    } finally {
      release(slot);
    }
  }

  @Override
  public List<CellState> cellStates(String owner, String worksheetId) {
    Worksheet worksheet = worksheets.worksheet(owner, worksheetId);
    // What a run reported as kept is listed as cached: its publish after the answer ends first.
    Optional<SandboxSlot> slot = assigned(owner, worksheetId);
    if (slot.isPresent() && slot.get().heldBriefly()) {
      awaitBriefHold(slot.get());
    }
    Base base = base(owner, worksheet.base());
    List<StateId> states = Chains.cellStates(base.state(), worksheet.cells().stream().map(Worksheet.Cell::sql).toList());
    List<CellState> result = new ArrayList<>();
    for (int i = 0; i < states.size(); i++) {
      Optional<StateInfo> info = cache.describe(states.get(i)).filter(StateInfo::snapshot);
      result.add(new CellState(worksheet.cells().get(i).id(), states.get(i).hex(), info.isPresent(),
          info.map(StateInfo::createdAt), info.map(StateInfo::sizeBytes).filter(size -> size > 0)));
    }
    return result;
  }

  @Override
  public DatabaseSchema schema(String owner, OwnerKind kind, String worksheetId, Optional<String> throughCellId) {
    Worksheet worksheet = worksheets.worksheet(owner, worksheetId);
    int through = throughCellId.map(id -> cellIndex(worksheet, id)).orElse(-1);
    Base base = base(owner, worksheet.base());
    List<Worksheet.Cell> cells = worksheet.cells().subList(0, through + 1);
    List<StateId> chain = chain(base, cells);
    SandboxSlot slot = acquire(owner, kind, worksheet.id(), chain::getFirst);
    try {
      SandboxEndpoint endpoint = open(slot);
      Positioning positioning = position(slot, endpoint, chain, through + 1, base);
      RunControl control = new RunControl();
      RunPlan plan = new RunPlan("schema", new RunRequest(owner, kind, worksheetId, throughCellId.orElse(""),
          Optional.empty()), worksheet, base, chain, through + 1, through, System.nanoTime(),
          parseCells(cells, ScriptContext.forCells()), Optional.empty());
      ReplayBudget budget = new ReplayBudget();
      for (int cell = positioning.firstStep(); cell <= through; cell++) {
        StepExecutor.Outcome step = step(plan, slot, cell, false, false, budget, control, event -> { }).outcome();
        if (!step.deterministic()) {
          throw new TaidonException(ErrorCode.CONFLICT, "cell " + worksheet.cells().get(cell).id()
              + " could not be replayed to read the schema: it was cancelled or ran out of time");
        }
      }
      return schemaReader.read(slot.session, chain.get(through + 1).hex());
    } catch (RuntimeException e) {
      slot.unknown();
      slot.closeSession();
      throw e;
    } finally {
      release(slot);
    }
  }

  /**
   * Closes the sessions of sandboxes nobody ran anything on for {@code idle}, and forgets those
   * sandboxes if they no longer exist (their account expired). A session's socket stays open until closed here, even after env-manager
   * stopped its server for being idle. Returns how many sessions it closed.
   */
  int closeIdleSessions(Duration idle) {
    int closed = 0;
    for (SandboxSlot slot : List.copyOf(slots.values())) {
      if (slot.session == null || System.nanoTime() - slot.lastUsedNanos < idle.toNanos() || !slot.permit.tryAcquire()) {
        continue;
      }
      try {
        slot.closeSession();
        closed++;
        if (envManager.sandboxesOf(slot.owner).stream().noneMatch(info -> info.id().equals(slot.id))) {
          slots.remove(slot.id);
          worksheetSandboxes.remove(slot.worksheetId, slot.id);
          if (slots.values().stream().noneMatch(other -> other.owner.equals(slot.owner))) {
            ownerLocks.remove(slot.owner);
          }
        }
      } catch (RuntimeException e) {
        log.debug("Could not tidy the session of sandbox {}: {}", slot.id, e.getMessage());
      } finally {
        slot.permit.release();
      }
    }
    return closed;
  }

  /** Closes every session: the role is stopping. */
  void closeAll() {
    runs.values().forEach(run -> run.control().cancel());
    for (SandboxSlot slot : slots.values()) {
      try {
        if (slot.permit.tryAcquire(StepExecutor.CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          slot.closeSession();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
