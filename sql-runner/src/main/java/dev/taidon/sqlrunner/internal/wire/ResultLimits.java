package dev.taidon.sqlrunner.internal.wire;

/**
 * How much of a result reaches a {@link ResultListener}. The server's whole result is always read
 * (so a statement's effects never depend on the limits); what is beyond them is dropped unread by
 * the listener.
 *
 * @param maxRows rows handed to the listener
 * @param maxBytes bytes of values handed to the listener, all rows together
 * @param maxValueBytes bytes of one value; longer values are cut
 */
public record ResultLimits(long maxRows, long maxBytes, int maxValueBytes) {
  public static final ResultLimits NONE = new ResultLimits(0, 0, 0);

  public ResultLimits {
    if (maxRows < 0 || maxBytes < 0 || maxValueBytes < 0) {
      throw new IllegalArgumentException("result limits cannot be negative");
    }
  }
}
