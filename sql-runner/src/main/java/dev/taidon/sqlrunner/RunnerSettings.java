package dev.taidon.sqlrunner;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.envmanager.OwnerKind;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits and policies of the sql-runner ({@code taidon.runner.*}), validated at start.
 *
 * @param anonymousStatementTimeout how long one statement of an anonymous learner may run
 * @param anonymousMaxRows rows of one result returned to an anonymous learner
 * @param registeredStatementTimeout how long one statement of a registered learner may run
 * @param registeredMaxRows rows of one result returned to a registered learner
 * @param maxResultBytes bytes of values of one result that are returned
 * @param maxValueBytes bytes of one value that are returned; longer values are cut
 * @param datasetStatementTimeout how long one statement of a built-in dataset's script may take
 *     while the dataset loads (replayed cells are held to their owner's statement timeout)
 * @param publishEveryStepAbove with a store that must copy data (the {@code copy} backend), a step is
 *     published only when running it took at least this long; other backends publish every step
 * @param replayedStepPublishing which replayed steps (cells before those a run executes) are
 *     published: {@code by-cost} (when their replay since the last snapshot cost as much as a
 *     snapshot, divided by {@code replaySnapshotShare}) or {@code every-step}
 * @param replaySnapshotShare with {@code by-cost}, the most that snapshots may add to the time of a
 *     replay, as a share of it (0 &lt; share &le; 1): a replayed step is published when the steps
 *     replayed since the last snapshot cost a snapshot's cost divided by this. 1 is the classic
 *     rent-or-buy rule (at most twice the best choice made knowing the future); smaller shares make
 *     replays after an edit quicker, and a later edit may replay up to snapshot cost / share again
 * @param readOnlyPublishAbove a step that changed no data is published only when running it took at
 *     least this long (replaying it is cheaper than storing it otherwise)
 * @param sessionIdle a sandbox's session unused this long is closed (a transaction left open in it
 *     is lost, and the next run replays from the last published state)
 * @param prebuildDatasets whether the built-in datasets are loaded into the cache at start, in the
 *     background, rather than when a learner first asks for one
 * @param maxQueryChars characters of SQL one read-only query may hold
 */
@ConfigurationProperties("taidon.runner")
public record RunnerSettings(
    @DefaultValue("10s") Duration anonymousStatementTimeout,
    @DefaultValue("1000") long anonymousMaxRows,
    @DefaultValue("60s") Duration registeredStatementTimeout,
    @DefaultValue("10000") long registeredMaxRows,
    @DefaultValue("8MB") DataSize maxResultBytes,
    @DefaultValue("1MB") DataSize maxValueBytes,
    @DefaultValue("5m") Duration datasetStatementTimeout,
    @DefaultValue("1s") Duration publishEveryStepAbove,
    @DefaultValue("by-cost") ReplayedStepPublishing replayedStepPublishing,
    @DefaultValue("0.1") double replaySnapshotShare,
    @DefaultValue("50ms") Duration readOnlyPublishAbove,
    @DefaultValue("10m") Duration sessionIdle,
    @DefaultValue("true") boolean prebuildDatasets,
    @DefaultValue("262144") int maxQueryChars) {

  public RunnerSettings {
    for (Duration timeout : new Duration[] {anonymousStatementTimeout, registeredStatementTimeout, datasetStatementTimeout,
        sessionIdle}) {
      if (timeout.toMillis() < 10) {
        throw invalid("taidon.runner timeouts must be at least 10ms, not " + timeout);
      }
    }
    if (anonymousMaxRows < 1 || registeredMaxRows < 1) {
      throw invalid("taidon.runner.*-max-rows must be at least 1");
    }
    if (!(replaySnapshotShare > 0 && replaySnapshotShare <= 1)) {
      throw invalid("taidon.runner.replay-snapshot-share must be above 0 and at most 1, not " + replaySnapshotShare);
    }
    if (maxQueryChars < 1) {
      throw invalid("taidon.runner.max-query-chars must be at least 1");
    }
    if (maxValueBytes.toBytes() < 64 || maxValueBytes.toBytes() > Integer.MAX_VALUE
        || maxResultBytes.toBytes() < maxValueBytes.toBytes()) {
      throw invalid("taidon.runner.max-value-bytes must be at least 64B and at most max-result-bytes");
    }
  }

  public RunLimits limits(OwnerKind kind) {
    return kind == OwnerKind.REGISTERED
        ? new RunLimits(registeredStatementTimeout, registeredMaxRows, maxResultBytes.toBytes(), (int) maxValueBytes.toBytes())
        : new RunLimits(anonymousStatementTimeout, anonymousMaxRows, maxResultBytes.toBytes(), (int) maxValueBytes.toBytes());
  }

  private static TaidonException invalid(String message) {
    return new TaidonException(ErrorCode.INVALID_CONFIGURATION, message);
  }
}
