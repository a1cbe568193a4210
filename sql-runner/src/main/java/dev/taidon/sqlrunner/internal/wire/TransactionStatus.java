package dev.taidon.sqlrunner.internal.wire;

/** The transaction status a ReadyForQuery message reports. */
public enum TransactionStatus {
  /** Not in a transaction block. */
  IDLE,
  /** In a transaction block. */
  OPEN,
  /** In a failed transaction block: statements are refused until ROLLBACK. */
  FAILED;

  static TransactionStatus of(byte indicator) {
    return switch (indicator) {
      case 'I' -> IDLE;
      case 'T' -> OPEN;
      case 'E' -> FAILED;
      default -> throw new IllegalArgumentException("unknown transaction status '" + (char) indicator + "'");
    };
  }
}
