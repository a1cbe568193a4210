package dev.taidon.vcssync;

import java.util.List;

/**
 * Learners' projects: trees of psql scripts ({@code init/}, {@code seed/}, {@code test/},
 * {@code bench/}, an optional {@code taidon.yaml}), kept as files. A project is immutable; another
 * upload is another project. Every call names the owner; another owner's project is
 * {@code NOT_FOUND}.
 */
public interface Projects {

  /**
   * Stores a project.
   *
   * @throws dev.taidon.core.TaidonException {@code INVALID_ARGUMENT} naming the file for a bad path
   *     or text that is not UTF-8; {@code PAYLOAD_TOO_LARGE} naming the limit; {@code QUOTA_EXCEEDED}
   *     when the owner has as many projects as allowed
   */
  ProjectInfo createProject(String owner, String name, List<ProjectFile> files);

  List<ProjectInfo> projectsOf(String owner);

  /** @throws dev.taidon.core.TaidonException {@code NOT_FOUND} unless the owner has this project */
  ProjectInfo project(String owner, String id);

  /** The project's files with their text, by path. */
  List<ProjectFile> projectFiles(String owner, String id);

  void deleteProject(String owner, String id);
}
