package dev.taidon.snapshotcache.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.NativeCalls;
import dev.taidon.core.TaidonException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Subvolumes made and deleted by the kernel's btrfs ioctls, called through JNA: what {@code btrfs
 * subvolume create|snapshot|delete} do, without starting a process, which costs a publish or a
 * restore 2-3 ms on a two-core machine (docs/decisions/20261127-btrfs-snapshots-by-ioctl.md).
 * The argument layouts and ioctl numbers are those of {@code linux/btrfs.h}, the same on every
 * Linux architecture; the {@code open(2)} flags and errno values are those of x86-64 and arm64.
 *
 * <p>A virtual thread's calls are made through {@link NativeCalls}, on a platform thread while it
 * waits parked: a snapshot is a file-system commit that would otherwise hold a carrier thread for
 * its 10-60 ms. Snapshots that are in the kernel at the same moment share one commit.
 */
final class IoctlSubvolumes implements Subvolumes {
  /** {@code struct btrfs_ioctl_vol_args} and {@code btrfs_ioctl_vol_args_v2} are both 4096 bytes. */
  static final int ARGUMENT_SIZE = 4096;
  /** {@code _IOW(BTRFS_IOCTL_MAGIC, 14, struct btrfs_ioctl_vol_args)}. */
  static final long BTRFS_IOC_SUBVOL_CREATE = ioWrite(14);
  /** {@code _IOW(BTRFS_IOCTL_MAGIC, 15, struct btrfs_ioctl_vol_args)}. */
  static final long BTRFS_IOC_SNAP_DESTROY = ioWrite(15);
  /** {@code _IOW(BTRFS_IOCTL_MAGIC, 23, struct btrfs_ioctl_vol_args_v2)}. */
  static final long BTRFS_IOC_SNAP_CREATE_V2 = ioWrite(23);
  /** {@code BTRFS_SUBVOL_RDONLY}, in {@code btrfs_ioctl_vol_args_v2.flags}. */
  static final long BTRFS_SUBVOL_RDONLY = 1L << 1;
  /** Where the name starts: after fd in {@code vol_args}; after fd, transid, flags and 32 bytes of union in v2. */
  static final int NAME_OFFSET_V1 = 8;
  static final int NAME_OFFSET_V2 = 8 + 8 + 8 + 32;
  /** {@code BTRFS_NAME_LEN}: the longest file name btrfs stores. */
  static final int MAX_NAME_BYTES = 255;

  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int ENOSPC = 28;
  private static final int EDQUOT = 122;
  private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"),
      Map.entry(5, "EIO"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"),
      Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"), Map.entry(18, "EXDEV"), Map.entry(20, "ENOTDIR"),
      Map.entry(22, "EINVAL"), Map.entry(25, "ENOTTY"), Map.entry(ENOSPC, "ENOSPC"), Map.entry(30, "EROFS"),
      Map.entry(36, "ENAMETOOLONG"), Map.entry(EDQUOT, "EDQUOT"));

  /** The C library functions used, mapped by JNA; each failing call throws with its errno. */
  interface LibC extends Library {
    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer argument) throws LastErrorException;

    String strerror(int errno);
  }

  private final LibC libc;
  private final NativeCalls nativeCalls;

  IoctlSubvolumes(LibC libc, NativeCalls nativeCalls) {
    this.libc = libc;
    this.nativeCalls = nativeCalls;
  }

  /** Loads the C library through JNA; throws {@link LinkageError} where JNA's native part cannot load. */
  static IoctlSubvolumes load() {
    return new IoctlSubvolumes(Native.load("c", LibC.class), NativeCalls.shared());
  }

  @Override
  public void create(Path path) {
    nativeCalls.run(() -> inParent("create subvolume " + path, path, BTRFS_IOC_SUBVOL_CREATE));
  }

  @Override
  public void delete(Path path) {
    nativeCalls.run(() -> inParent("delete subvolume " + path, path, BTRFS_IOC_SNAP_DESTROY));
  }

  /** An ioctl on {@code path}'s parent directory whose {@code btrfs_ioctl_vol_args} name {@code path}. */
  private void inParent(String operation, Path path, long request) {
    Path parent = parentOf(path);
    byte[] name = nameOf(path);
    int directory = open(operation, parent);
    try (Memory arguments = new Memory(ARGUMENT_SIZE)) {
      arguments.clear();
      arguments.write(NAME_OFFSET_V1, name, 0, name.length);
      ioctl(operation, directory, request, arguments);
    } finally {
      close(directory);
    }
  }

  @Override
  public void snapshot(Path source, Path target, boolean readOnly) {
    nativeCalls.run(() -> snapshotHere(source, target, readOnly));
  }

  private void snapshotHere(Path source, Path target, boolean readOnly) {
    String operation = (readOnly ? "read-only snapshot of " : "snapshot of ") + source + " as " + target;
    Path parent = parentOf(target);
    byte[] name = nameOf(target);
    int sourceFd = open(operation, source);
    try {
      int directory = open(operation, parent);
      try (Memory arguments = new Memory(ARGUMENT_SIZE)) {
        arguments.clear();
        arguments.setLong(0, sourceFd);
        arguments.setLong(16, readOnly ? BTRFS_SUBVOL_RDONLY : 0);
        arguments.write(NAME_OFFSET_V2, name, 0, name.length);
        ioctl(operation, directory, BTRFS_IOC_SNAP_CREATE_V2, arguments);
      } finally {
        close(directory);
      }
    } finally {
      close(sourceFd);
    }
  }

  @Override
  public String how() {
    return "ioctls";
  }

  private int open(String operation, Path path) {
    try {
      return libc.open(path.toString(), O_RDONLY | O_CLOEXEC);
    } catch (LastErrorException e) {
      throw failure(operation, "open(" + path + ")", e.getErrorCode());
    }
  }

  private void ioctl(String operation, int fd, long request, Pointer arguments) {
    try {
      libc.ioctl(fd, new NativeLong(request), arguments);
    } catch (LastErrorException e) {
      throw failure(operation, "ioctl", e.getErrorCode());
    }
  }

  private void close(int fd) {
    try {
      libc.close(fd);
    } catch (LastErrorException ignored) {
      // close(2) frees the descriptor even when it reports an error; nothing is left to undo.
    }
  }

  /** The error for a failed call: out of space is the store being full, anything else names the reason. */
  TaidonException failure(String operation, String call, int errno) {
    String name = ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
    String reason = libc.strerror(errno) + " (" + name + ")";
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("call", call);
    facts.put("errno", errno);
    if (errno == ENOSPC || errno == EDQUOT) {
      return new TaidonException(ErrorCode.STORE_FULL, "btrfs " + operation + " failed: " + reason, facts, null);
    }
    return new TaidonException(ErrorCode.SYSTEM_CALL_FAILED, "btrfs " + operation + " failed in " + call + ": " + reason,
        facts, null);
  }

  private static Path parentOf(Path path) {
    Path parent = path.toAbsolutePath().getParent();
    if (parent == null) {
      throw new TaidonException(ErrorCode.INTERNAL, "a subvolume cannot be the root directory");
    }
    return parent;
  }

  /** The path's last component as btrfs stores it: 1 to 255 bytes, NUL-terminated by the zeroed argument. */
  static byte[] nameOf(Path path) {
    Path fileName = path.getFileName();
    byte[] name = fileName == null ? new byte[0] : fileName.toString().getBytes(StandardCharsets.UTF_8);
    if (name.length == 0 || name.length > MAX_NAME_BYTES) {
      throw new TaidonException(ErrorCode.INTERNAL, "a subvolume name must have 1 to " + MAX_NAME_BYTES
          + " bytes: " + path);
    }
    return name;
  }

  /** {@code _IOW(0x94, number, 4096 bytes)}: direction write (1) in bits 30-31, size in 16-29, type, number. */
  private static long ioWrite(int number) {
    return (1L << 30) | ((long) ARGUMENT_SIZE << 16) | (0x94L << 8) | number;
  }
}
