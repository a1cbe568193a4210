package dev.taidon.gateway.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.sqlrunner.ProjectTests;
import dev.taidon.sqlrunner.SqlRunner;
import dev.taidon.vcssync.ProjectArchive;
import dev.taidon.vcssync.ProjectFile;
import dev.taidon.vcssync.ProjectInfo;
import dev.taidon.vcssync.ProjectLimits;
import dev.taidon.vcssync.Projects;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Projects: uploaded as a file list (JSON) or a zip archive, listed, deleted, and their tests run.
 * A worksheet starts from a project with {@code base: {project: id}}.
 */
@RestController
class ProjectController {
  private final Projects projects;
  private final SqlRunner runner;
  private final ProjectLimits limits;
  private final JsonMapper json;

  ProjectController(Projects projects, SqlRunner runner, ProjectLimits limits, JsonMapper json) {
    this.projects = projects;
    this.runner = runner;
    this.limits = limits;
    this.json = json;
  }

  record Upload(String name, List<ProjectFile> files) {}

  /**
   * {@code Content-Type: application/json} with {@code {name, files: [{path, content}]}}, or
   * {@code application/zip} with the archive as the body and the name as a query parameter.
   */
  @PostMapping(path = "/api/v1/projects")
  ResponseEntity<ProjectInfo> create(HttpServletRequest request, @RequestParam(required = false) String name)
      throws IOException {
    String owner = WorksheetController.caller(request).accountId();
    String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(java.util.Locale.ROOT);
    ProjectInfo created;
    try (InputStream body = request.getInputStream()) {
      if (type.startsWith("application/zip")) {
        created = projects.createProject(owner, name, ProjectArchive.unzip(body, limits));
      } else if (type.startsWith(MediaType.APPLICATION_JSON_VALUE)) {
        Upload upload;
        try {
          upload = json.readValue(body, Upload.class);
        } catch (JacksonException e) {
          if (e.getCause() instanceof TaidonException refused) {
            // A value the reader itself refused (text PostgreSQL would not store as sent) says what and where.
            throw refused;
          }
          throw new TaidonException(ErrorCode.MALFORMED_REQUEST,
              "the request body is not a JSON {name, files: [{path, content}]} document", e);
        }
        if (upload == null) {
          throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the body names no files");
        }
        created = projects.createProject(owner, upload.name() != null ? upload.name() : name, upload.files());
      } else {
        throw new TaidonException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "upload a project as application/json ({name, files: [{path, content}]}) or as application/zip");
      }
    }
    return ResponseEntity.created(URI.create("/api/v1/projects/" + created.id())).body(created);
  }

  @GetMapping("/api/v1/projects")
  List<ProjectInfo> list(HttpServletRequest request) {
    return projects.projectsOf(WorksheetController.caller(request).accountId());
  }

  @GetMapping("/api/v1/projects/{id}")
  ProjectInfo get(HttpServletRequest request, @PathVariable String id) {
    return projects.project(WorksheetController.caller(request).accountId(), id);
  }

  @GetMapping("/api/v1/projects/{id}/files")
  List<ProjectFile> files(HttpServletRequest request, @PathVariable String id) {
    return projects.projectFiles(WorksheetController.caller(request).accountId(), id);
  }

  @DeleteMapping("/api/v1/projects/{id}")
  ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable String id) {
    projects.deleteProject(WorksheetController.caller(request).accountId(), id);
    return ResponseEntity.noContent().build();
  }

  /** Builds the project's seeded state if needed and runs its tests on it, each on a fresh copy. */
  @PostMapping("/api/v1/projects/{id}/tests")
  ProjectTests test(HttpServletRequest request, @PathVariable String id) {
    AccessTokenVerifier.Caller caller = WorksheetController.caller(request);
    return runner.testProject(caller.accountId(), WorksheetController.ownerKind(caller), id);
  }
}
