package dev.taidon.vcssync;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads a project uploaded as a zip archive into files, within the limits while it unpacks (a zip
 * bomb stops at the limit, not at the end of the disk). Directories are skipped; when every file
 * sits in one top directory (as in an archive of a Git repository), that directory is dropped.
 */
public final class ProjectArchive {
  private ProjectArchive() {}

  public static List<ProjectFile> unzip(InputStream archive, ProjectLimits limits) {
    List<ProjectFile> files = new ArrayList<>();
    long total = 0;
    try (ZipInputStream zip = new ZipInputStream(archive, StandardCharsets.UTF_8)) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        if (entry.isDirectory()) {
          continue;
        }
        if (files.size() >= limits.maxFiles()) {
          throw tooLarge("a project holds at most " + limits.maxFiles() + " files", "max-files", limits.maxFiles());
        }
        String path = ProjectLimits.checkPath(entry.getName());
        byte[] content = readAtMost(zip, Math.min(limits.maxFileSize().toBytes(), limits.maxTotalSize().toBytes() - total),
            path, limits);
        total += content.length;
        files.add(new ProjectFile(path, text(path, content)));
      }
    } catch (ZipException e) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the upload is not a readable zip archive: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new TaidonException(ErrorCode.MALFORMED_REQUEST, "the archive could not be read: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the archive holds no files");
    }
    return withoutCommonTop(files);
  }

  private static byte[] readAtMost(InputStream in, long allowed, String path, ProjectLimits limits) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[64 * 1024];
    for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
      out.write(chunk, 0, read);
      if (out.size() > allowed) {
        throw tooLarge("file '" + path + "' unpacks beyond the limits: " + limits.maxFileSize().toBytes()
                + " bytes per file, " + limits.maxTotalSize().toBytes() + " bytes per project",
            "max-file-size", limits.maxFileSize().toBytes());
      }
    }
    return out.toByteArray();
  }

  /** The file's bytes as UTF-8 text; anything else is refused, naming the file. */
  public static String text(String path, byte[] content) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
    } catch (CharacterCodingException e) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "file '" + path + "' is not UTF-8 text");
    }
  }

  private static List<ProjectFile> withoutCommonTop(List<ProjectFile> files) {
    String first = files.getFirst().path();
    int slash = first.indexOf('/');
    if (slash < 0) {
      return files;
    }
    String top = first.substring(0, slash + 1);
    if (!files.stream().allMatch(file -> file.path().startsWith(top) && file.path().length() > top.length())) {
      return files;
    }
    return files.stream().map(file -> new ProjectFile(file.path().substring(top.length()), file.content())).toList();
  }

  private static TaidonException tooLarge(String message, String limit, long value) {
    return new TaidonException(ErrorCode.PAYLOAD_TOO_LARGE, message, Map.of("limit", limit, "max", value), null);
  }
}
