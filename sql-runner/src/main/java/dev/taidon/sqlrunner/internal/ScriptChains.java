package dev.taidon.sqlrunner.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.envmanager.Checkpoint;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.SandboxEndpoint;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.SnapshotCache;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.snapshotcache.StateInfo;
import dev.taidon.sqlrunner.RunEvent;
import dev.taidon.sqlrunner.RunLimits;
import dev.taidon.sqlrunner.internal.wire.WireAddress;
import dev.taidon.sqlrunner.script.ScriptItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chains of scripts, as datasets and projects are: each script runs in a session of its own (like
 * {@code psql -f}) on the database the previous one ended in, in a sandbox of the platform's, and
 * each state is published with its context. A failing script stops the chain with an error that
 * names the file and the line.
 */
final class ScriptChains {
  static final String BUILDER = "platform:builder";
  private static final Logger log = LoggerFactory.getLogger(ScriptChains.class);

  private final EnvManager envManager;
  private final SnapshotCache cache;
  private final RunStore store;
  private final StepExecutor executor;

  ScriptChains(EnvManager envManager, SnapshotCache cache, RunStore store, StepExecutor executor) {
    this.envManager = envManager;
    this.cache = cache;
    this.store = store;
    this.executor = executor;
  }

  /**
   * One script, parsed with its includes.
   *
   * @param path its file, for errors
   * @param items its statements and meta-commands, includes expanded
   * @param digest covers its text and every file it included
   */
  record Script(String path, List<ScriptItem> items, String digest) {}

  /** Where a chain ended: its last state and the session context a worksheet continues from. */
  record Built(StateId state, RunStore.StateContext context) {}

  /** Why a script failed: the server's error and where it happened. */
  record Failure(String sqlstate, String message, String file, int line, int column) {
    String describe() {
      return file + ", line " + line + ": " + message + " (SQLSTATE " + sqlstate + ")";
    }
  }

  /** The state ids of a chain of scripts on {@code root}: {@code [root, after script 1, …]}. */
  static List<StateId> states(StateId root, List<Script> scripts) {
    List<StateId> chain = new ArrayList<>();
    chain.add(root);
    for (Script script : scripts) {
      chain.add(chain.getLast().child(script.digest(), Chains.SETTINGS_DIGEST));
    }
    return chain;
  }

  /**
   * Brings every state of the chain into the cache, building from its longest cached prefix.
   *
   * @param owner who the states belong to; empty for the platform's (datasets)
   * @param visibility of the states built
   * @param timeout how long one statement of a script may take
   * @throws TaidonException {@code INVALID_ARGUMENT} naming the file and line of the script that failed
   */
  Built build(List<Script> scripts, Optional<String> owner, String visibility, RunLimits limits, String what) {
    List<StateId> chain = states(envManager.rootState(), scripts);
    int cached = cache.longestCachedPrefix(chain);
    Optional<RunStore.StateContext> cachedContext = cached < 0 ? Optional.empty()
        : cached == 0 ? Optional.of(rootContext()) : store.context(chain.get(cached));
    if (cached < 0 || cachedContext.isEmpty()) {
      cached = 0;
      cachedContext = Optional.of(rootContext());
    }
    if (cached == chain.size() - 1) {
      return new Built(chain.getLast(), cachedContext.get());
    }
    long began = System.nanoTime();
    SandboxInfo builder = envManager.createSandbox(BUILDER, OwnerKind.REGISTERED, chain.get(cached));
    try {
      SandboxEndpoint endpoint = envManager.openSandbox(builder.id());
      RunStore.StateContext context = cachedContext.get();
      for (int i = cached; i < scripts.size(); i++) {
        Script script = scripts.get(i);
        long started = System.nanoTime();
        try (SandboxSession session = SandboxSession.open(new WireAddress(endpoint.address()), endpoint.user(),
            context.database())) {
          Optional<Failure> failure = run(script, session, limits);
          if (failure.isPresent()) {
            throw new TaidonException(ErrorCode.INVALID_ARGUMENT, what + ": " + failure.get().describe(),
                Map.of("file", failure.get().file(), "line", failure.get().line(), "sqlstate", failure.get().sqlstate()),
                null);
          }
          if (i == scripts.size() - 1 && !session.settle()) {
            log.info("{}: VACUUM (FREEZE, ANALYZE) of the last state failed; learners start from it unsettled", what);
          }
          context = new RunStore.StateContext(session.database(), Map.of());
        }
        StateId state = chain.get(i + 1);
        store.saveContext(state, context);
        envManager.publishState(builder.id(), new NewState(state, Optional.of(chain.get(i)), Optional.of(script.digest()),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), owner, visibility), Checkpoint.BY_ENV_MANAGER);
        endpoint = envManager.openSandbox(builder.id());
      }
      log.info("Built {} up to state {} in {} ms", what, chain.getLast().shortForm(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
      return new Built(chain.getLast(), context);
    } finally {
      envManager.deleteSandbox(builder.id());
    }
  }

  /**
   * Runs each script on its own fresh copy of {@code base}, as a project's tests run on its seeded
   * state; returns each one's failure, if any, in order.
   */
  List<Optional<Failure>> runEach(Built base, List<Script> scripts, RunLimits limits) {
    List<Optional<Failure>> results = new ArrayList<>();
    if (scripts.isEmpty()) {
      return results;
    }
    SandboxInfo tester = envManager.createSandbox(BUILDER, OwnerKind.REGISTERED, base.state());
    try {
      for (int i = 0; i < scripts.size(); i++) {
        if (i > 0) {
          envManager.resetSandbox(tester.id(), base.state());
        }
        SandboxEndpoint endpoint = envManager.openSandbox(tester.id());
        try (SandboxSession session = SandboxSession.open(new WireAddress(endpoint.address()), endpoint.user(),
            base.context().database())) {
          results.add(run(scripts.get(i), session, limits));
        }
      }
      return results;
    } finally {
      envManager.deleteSandbox(tester.id());
    }
  }

  private Optional<Failure> run(Script script, SandboxSession session, RunLimits limits) {
    List<RunEvent.StatementStarted> started = new ArrayList<>();
    List<RunEvent.SqlError> errors = new ArrayList<>();
    StepExecutor.StepOutcome outcome = executor.execute(new StepExecutor.Step(script.items(), false, limits,
        "file " + script.path()), session, new RunControl(), event -> {
          if (event instanceof RunEvent.StatementStarted statement) {
            started.add(statement);
          } else if (event instanceof RunEvent.StatementEnded ended && ended.error().isPresent()) {
            errors.add(ended.error().get());
          }
        });
    if (outcome.outcome() == StepExecutor.Outcome.SUCCEEDED) {
      return Optional.empty();
    }
    RunEvent.SqlError error = errors.isEmpty()
        ? new RunEvent.SqlError("57014", "cancelled", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())
        : errors.getLast();
    // The failing item names its file: an included file's error is reported in that file.
    String file = script.path();
    ScriptItem.Position at = new ScriptItem.Position(1, 1);
    if (!started.isEmpty()) {
      int index = started.getLast().index();
      ScriptItem item = index < script.items().size() ? script.items().get(index) : null;
      if (item != null) {
        file = item.source().isEmpty() ? script.path() : item.source();
        at = item.position();
      }
    }
    ScriptItem.Position position = error.position().orElse(at);
    return Optional.of(new Failure(error.sqlstate(), error.message(), file, position.line(), position.column()));
  }

  private static RunStore.StateContext rootContext() {
    return RunStore.StateContext.ROOT;
  }

  /** Whether every state is still cached; private states of projects may be evicted. */
  boolean stillCached(StateId state) {
    return cache.describe(state).map(StateInfo::snapshot).orElse(false);
  }
}
