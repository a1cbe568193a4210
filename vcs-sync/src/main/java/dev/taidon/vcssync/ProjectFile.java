package dev.taidon.vcssync;

/**
 * One file of a project.
 *
 * @param path relative, {@code /}-separated, without {@code .} or {@code ..} segments
 * @param content its text
 */
public record ProjectFile(String path, String content) {

  /** Paths compared by their UTF-8 bytes: the order in which DESIGN §3 runs a project's scripts. */
  public static int comparePaths(String a, String b) {
    return java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
