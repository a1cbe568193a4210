package dev.taidon.snapshotcache;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the state store ({@code taidon.store.*}).
 *
 * @param backend {@code auto} (choose from the data directory's file system), {@code btrfs},
 *     {@code reflink} or {@code copy}
 * @param loopImage whether a root platform on a file system without snapshots or reflinks may create
 *     and mount a loop-backed btrfs store inside the data directory
 * @param loopImageSize the size of that sparse image (space is taken only as it is written)
 * @param loopDirectIo whether the loop device reads and writes the image with direct I/O, so that
 *     the kernel caches the store's blocks once (for its files) rather than twice (for the image too):
 *     less page cache, but a restored sandbox's first reads come from the disk (off by default; see
 *     docs/operations.md)
 * @param capacity the most the cache's snapshots may occupy; {@code 0} to measure the file system
 *     instead (right when the store has a file system of its own)
 * @param highWatermark eviction starts when the store (its snapshots against the capacity, or its file
 *     system) is fuller than this fraction
 * @param lowWatermark eviction stops when it is back under this fraction
 */
@ConfigurationProperties("taidon.store")
public record StoreSettings(
    @DefaultValue("auto") String backend,
    @DefaultValue("true") boolean loopImage,
    @DefaultValue("20GB") DataSize loopImageSize,
    @DefaultValue("false") boolean loopDirectIo,
    @DefaultValue("0") DataSize capacity,
    @DefaultValue("0.90") double highWatermark,
    @DefaultValue("0.80") double lowWatermark) {

  public static final String AUTO = "auto";

  public StoreSettings {
    String chosen = backend.toLowerCase(Locale.ROOT).strip();
    backend = chosen;
    if (!chosen.equals(AUTO) && java.util.Arrays.stream(StoreBackend.values()).noneMatch(b -> b.configName().equals(chosen))) {
      throw invalid("taidon.store.backend is auto, btrfs, reflink or copy, not '" + backend + "'");
    }
    if (loopImageSize.toMegabytes() < 256) {
      throw invalid("taidon.store.loop-image-size must be at least 256MB, not " + loopImageSize);
    }
    if (capacity.isNegative()) {
      throw invalid("taidon.store.capacity must not be negative, not " + capacity);
    }
    if (!(lowWatermark > 0 && lowWatermark < highWatermark && highWatermark < 1)) {
      throw invalid("taidon.store watermarks need 0 < low-watermark < high-watermark < 1, not "
          + lowWatermark + " and " + highWatermark);
    }
  }

  private static TaidonException invalid(String message) {
    return new TaidonException(ErrorCode.INVALID_CONFIGURATION, message);
  }
}
