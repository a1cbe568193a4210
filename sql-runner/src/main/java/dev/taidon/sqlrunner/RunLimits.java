package dev.taidon.sqlrunner;

import java.time.Duration;

/**
 * What one statement of a run may use.
 *
 * @param statementTimeout how long a statement may run before it is cancelled
 * @param maxRows rows of a result that are returned; the rest is counted, not returned
 * @param maxResultBytes bytes of values of a result that are returned
 * @param maxValueBytes bytes of one value that are returned; longer values are cut
 */
public record RunLimits(Duration statementTimeout, long maxRows, long maxResultBytes, int maxValueBytes) {}
