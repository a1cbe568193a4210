package dev.taidon.vcssync.internal;

import dev.taidon.auditlog.AuditEvent;
import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.vcssync.ProjectFile;
import dev.taidon.vcssync.ProjectInfo;
import dev.taidon.vcssync.ProjectLimits;
import dev.taidon.vcssync.Projects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Projects as directories under {@code DATA/projects/<id>/} with a row each in
 * {@code vcs_sync.project}. A project's directory is written under a temporary name and renamed
 * into place before its row is inserted, so a crash leaves at worst a directory without a row,
 * which {@link #reconcile} removes.
 */
final class FileProjects implements Projects {
  private static final Logger log = LoggerFactory.getLogger(FileProjects.class);
  private static final Pattern PROJECT_ID = Pattern.compile("pr-[0-9a-f]{32}");
  private static final TypeReference<List<String>> PATHS = new TypeReference<>() {};

  private final Path root;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final ProjectLimits limits;
  private final AuditLog auditLog;

  FileProjects(Path root, JdbcClient jdbc, JsonMapper json, ProjectLimits limits, AuditLog auditLog) {
    this.root = root;
    this.jdbc = jdbc;
    this.json = json;
    this.limits = limits;
    this.auditLog = auditLog;
  }

  @Override
  public ProjectInfo createProject(String owner, String name, List<ProjectFile> files) {
    String checkedName = name == null || name.isBlank() ? "Untitled project" : name.strip();
    if (checkedName.length() > 200 || checkedName.chars().anyMatch(c -> c < 0x20)) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "a project name has at most 200 characters, none of them control characters");
    }
    List<ProjectFile> checked = check(files);
    int count = jdbc.sql("SELECT count(*) FROM vcs_sync.project WHERE owner = ?").param(owner).query(Integer.class).single();
    if (count >= limits.maxProjects()) {
      throw new TaidonException(ErrorCode.QUOTA_EXCEEDED, "you have " + count + " projects, the most allowed"
          + " (taidon.projects.max-projects); delete one to upload another",
          Map.of("limit", "max-projects", "max", limits.maxProjects()), null);
    }
    String id = "pr-" + UUID.randomUUID().toString().replace("-", "");
    Path staging = root.resolve(".tmp-" + id);
    long bytes = 0;
    try {
      Files.createDirectories(staging);
      for (ProjectFile file : checked) {
        Path target = staging.resolve(file.path()).normalize();
        if (!target.startsWith(staging)) {
          throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "file '" + file.path() + "' lies outside the project");
        }
        Files.createDirectories(target.getParent());
        byte[] content = file.content().getBytes(StandardCharsets.UTF_8);
        Files.write(target, content);
        bytes += content.length;
      }
      Files.move(staging, root.resolve(id), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteTree(staging);
      throw new UncheckedIOException("cannot store project " + id, e);
    } catch (RuntimeException e) {
      deleteTree(staging);
      throw e;
    }
    List<String> paths = checked.stream().map(ProjectFile::path).toList();
    jdbc.sql("INSERT INTO vcs_sync.project (id, owner, name, files, bytes) VALUES (?, ?, ?, ?::jsonb, ?)")
        .params(id, owner, checkedName, json.writeValueAsString(paths), bytes).update();
    auditLog.append(new AuditEvent("project.created", owner, Map.of("project", id, "files",
        Integer.toString(paths.size()), "bytes", Long.toString(bytes))));
    return project(owner, id);
  }

  private List<ProjectFile> check(List<ProjectFile> files) {
    if (files == null || files.isEmpty()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "a project needs at least one file");
    }
    if (files.size() > limits.maxFiles()) {
      throw new TaidonException(ErrorCode.PAYLOAD_TOO_LARGE, "a project holds at most " + limits.maxFiles() + " files, not "
          + files.size(), Map.of("limit", "max-files", "max", limits.maxFiles()), null);
    }
    Set<String> seen = new HashSet<>();
    long total = 0;
    List<ProjectFile> sorted = new ArrayList<>();
    for (ProjectFile file : files) {
      if (file == null || file.content() == null) {
        throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "every file needs a path and a content");
      }
      String path = ProjectLimits.checkPath(file.path());
      if (!seen.add(path)) {
        throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "file '" + path + "' is given twice");
      }
      if (seen.stream().anyMatch(other -> other.startsWith(path + "/") || path.startsWith(other + "/"))) {
        throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "'" + path + "' is both a file and a directory");
      }
      long size = file.content().getBytes(StandardCharsets.UTF_8).length;
      if (size > limits.maxFileSize().toBytes()) {
        throw new TaidonException(ErrorCode.PAYLOAD_TOO_LARGE, "file '" + path + "' has " + size + " bytes; a file has"
            + " at most " + limits.maxFileSize().toBytes(), Map.of("limit", "max-file-size"), null);
      }
      if (file.content().indexOf('\0') >= 0) {
        throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "file '" + path + "' contains a NUL character; project"
            + " files are text");
      }
      total += size;
      sorted.add(new ProjectFile(path, file.content()));
    }
    if (total > limits.maxTotalSize().toBytes()) {
      throw new TaidonException(ErrorCode.PAYLOAD_TOO_LARGE, "the files hold " + total + " bytes; a project holds at most "
          + limits.maxTotalSize().toBytes(), Map.of("limit", "max-total-size"), null);
    }
    sorted.sort(Comparator.comparing(ProjectFile::path, ProjectFile::comparePaths));
    return sorted;
  }

  @Override
  public List<ProjectInfo> projectsOf(String owner) {
    return jdbc.sql("SELECT id, name, files, bytes, created_at FROM vcs_sync.project WHERE owner = ? ORDER BY created_at DESC, id")
        .param(owner).query(this::info).list();
  }

  @Override
  public ProjectInfo project(String owner, String id) {
    return find(owner, id).orElseThrow(() -> notFound(id));
  }

  private Optional<ProjectInfo> find(String owner, String id) {
    if (id == null || !PROJECT_ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return jdbc.sql("SELECT id, name, files, bytes, created_at FROM vcs_sync.project WHERE id = ? AND owner = ?")
        .params(id, owner).query(this::info).optional();
  }

  private ProjectInfo info(ResultSet row, int number) throws SQLException {
    return new ProjectInfo(row.getString("id"), row.getString("name"), json.readValue(row.getString("files"), PATHS),
        row.getLong("bytes"), row.getTimestamp("created_at").toInstant());
  }

  @Override
  public List<ProjectFile> projectFiles(String owner, String id) {
    ProjectInfo info = project(owner, id);
    List<ProjectFile> files = new ArrayList<>();
    for (String path : info.files()) {
      try {
        files.add(new ProjectFile(path, Files.readString(root.resolve(id).resolve(path), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("project " + id + " lost its file " + path, e);
      }
    }
    return files;
  }

  @Override
  public void deleteProject(String owner, String id) {
    if (id == null || !PROJECT_ID.matcher(id).matches()
        || jdbc.sql("DELETE FROM vcs_sync.project WHERE id = ? AND owner = ?").params(id, owner).update() == 0) {
      throw notFound(id);
    }
    deleteTree(root.resolve(id));
    auditLog.append(new AuditEvent("project.deleted", owner, Map.of("project", id)));
  }

  /** Removes directories that no row owns: uploads a crash interrupted, or deletions it cut short. */
  void reconcile() {
    try {
      Files.createDirectories(root);
      Set<String> known = new HashSet<>(jdbc.sql("SELECT id FROM vcs_sync.project").query(String.class).list());
      try (Stream<Path> entries = Files.list(root)) {
        for (Path entry : entries.toList()) {
          if (!known.contains(entry.getFileName().toString())) {
            log.info("Removing project files no project owns: {}", entry);
            deleteTree(entry);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reconcile " + root, e);
    }
  }

  private static void deleteTree(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + directory, e);
    }
  }

  private static TaidonException notFound(String id) {
    String shown = id == null ? "null" : id.length() > 40 ? id.substring(0, 40) + "…" : id;
    return new TaidonException(ErrorCode.NOT_FOUND, "no project " + shown);
  }
}
