package dev.taidon.vcssync;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How large projects may be ({@code taidon.projects.*}), validated at start.
 *
 * @param maxProjects projects one account may keep
 * @param maxFiles files in one project
 * @param maxFileSize one file's size
 * @param maxTotalSize all files of a project together (also the most an archive may unpack to)
 */
@ConfigurationProperties("taidon.projects")
public record ProjectLimits(
    @DefaultValue("50") int maxProjects,
    @DefaultValue("500") int maxFiles,
    @DefaultValue("16MB") DataSize maxFileSize,
    @DefaultValue("64MB") DataSize maxTotalSize) {
  /** One path segment: no control characters, no backslash; {@code .} and {@code ..} are refused separately. */
  private static final Pattern SEGMENT = Pattern.compile("[^\\\\/\\p{Cntrl}]{1,100}");
  static final int MAX_PATH_CHARS = 255;
  static final int MAX_DEPTH = 10;

  public ProjectLimits {
    if (maxProjects < 1 || maxFiles < 1 || maxFileSize.toBytes() < 1 || maxTotalSize.toBytes() < maxFileSize.toBytes()) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          "taidon.projects limits must be positive and max-total-size at least max-file-size");
    }
  }

  /**
   * Checks a file's path in a project and returns it; the error names the path and what is wrong
   * with it.
   */
  public static String checkPath(String path) {
    String shown = path == null ? "null" : path.length() > 80 ? path.substring(0, 80) + "…" : path;
    if (path == null || path.isEmpty() || path.length() > MAX_PATH_CHARS) {
      throw invalidPath(shown, "a path has 1 to " + MAX_PATH_CHARS + " characters");
    }
    if (path.startsWith("/")) {
      throw invalidPath(shown, "paths are relative to the project");
    }
    String[] segments = path.split("/", -1);
    if (segments.length > MAX_DEPTH) {
      throw invalidPath(shown, "at most " + MAX_DEPTH + " levels of directories");
    }
    for (String segment : segments) {
      if (segment.equals(".") || segment.equals("..")) {
        throw invalidPath(shown, "'.' and '..' may not appear in a path");
      }
      if (!SEGMENT.matcher(segment).matches()) {
        throw invalidPath(shown, "segments are 1 to 100 characters without '\\' or control characters");
      }
    }
    return path;
  }

  private static TaidonException invalidPath(String path, String rule) {
    return new TaidonException(ErrorCode.INVALID_ARGUMENT, "file '" + path + "': " + rule);
  }
}
