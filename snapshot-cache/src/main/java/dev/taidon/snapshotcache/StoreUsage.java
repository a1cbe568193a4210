package dev.taidon.snapshotcache;

/**
 * How full the file system under the state store is.
 *
 * @param totalBytes the file system's size
 * @param usableBytes what can still be written
 */
public record StoreUsage(long totalBytes, long usableBytes) {

  /** The used fraction, 0 to 1. */
  public double usedFraction() {
    return totalBytes == 0 ? 1.0 : 1.0 - (double) usableBytes / totalBytes;
  }
}
