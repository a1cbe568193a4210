package dev.taidon.sqlrunner.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.sqlrunner.script.ScriptContext;
import dev.taidon.sqlrunner.script.ScriptItem;
import dev.taidon.sqlrunner.script.ScriptParser;
import dev.taidon.vcssync.ProjectFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A project's scripts in the order they run (DESIGN §3): every {@code .sql} file of {@code init/}
 * then of {@code seed/}, by path in byte order, unless {@code taidon.yaml} lists {@code steps};
 * its tests are {@code test/}'s files, or the manifest's {@code tests}. Each script is parsed as
 * {@code psql -f} would read it: its own variables, and {@code \i} / {@code \ir} of other files of
 * the project.
 */
final class ProjectScripts {
  static final String MANIFEST = "taidon.yaml";
  private static final int MAX_MANIFEST_CHARS = 256 * 1024;

  private final Map<String, String> files = new LinkedHashMap<>();
  private final List<String> steps;
  private final List<String> tests;

  ProjectScripts(List<ProjectFile> projectFiles) {
    projectFiles.forEach(file -> files.put(file.path(), file.content()));
    if (files.containsKey(MANIFEST)) {
      Map<String, List<String>> manifest = manifest(files.get(MANIFEST));
      steps = manifest.getOrDefault("steps", defaults("init/", "seed/"));
      tests = manifest.getOrDefault("tests", defaults("test/"));
    } else {
      steps = defaults("init/", "seed/");
      tests = defaults("test/");
    }
    if (steps.isEmpty()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the project has no .sql files in init/ or seed/, and no "
          + MANIFEST + " that lists its steps");
    }
  }

  List<String> stepPaths() {
    return steps;
  }

  List<String> testPaths() {
    return tests;
  }

  List<ScriptChains.Script> steps() {
    return steps.stream().map(this::parse).toList();
  }

  List<ScriptChains.Script> tests() {
    return tests.stream().map(this::parse).toList();
  }

  private List<String> defaults(String... directories) {
    List<String> paths = new ArrayList<>();
    for (String directory : directories) {
      files.keySet().stream().filter(path -> path.startsWith(directory) && path.endsWith(".sql"))
          .sorted(ProjectFile::comparePaths).forEach(paths::add);
    }
    return List.copyOf(paths);
  }

  @SuppressWarnings("unchecked")
  private Map<String, List<String>> manifest(String text) {
    if (text.length() > MAX_MANIFEST_CHARS) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, MANIFEST + " is larger than " + MAX_MANIFEST_CHARS + " characters");
    }
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(10);
    options.setAllowDuplicateKeys(false);
    options.setNestingDepthLimit(10);
    options.setCodePointLimit(MAX_MANIFEST_CHARS);
    Object document;
    try {
      document = new Yaml(new SafeConstructor(options)).load(text);
    } catch (YAMLException e) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, MANIFEST + " is not valid YAML: "
          + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (document == null) {
      return Map.of();
    }
    if (!(document instanceof Map<?, ?> map)) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, MANIFEST + " must be a mapping with steps and tests");
    }
    Map<String, List<String>> lists = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = String.valueOf(entry.getKey());
      switch (key) {
        case "steps", "tests" -> {
          if (!(entry.getValue() instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new TaidonException(ErrorCode.INVALID_ARGUMENT, MANIFEST + ": " + key + " must be a list of file paths");
          }
          for (Object path : list) {
            if (!files.containsKey((String) path)) {
              throw new TaidonException(ErrorCode.INVALID_ARGUMENT, MANIFEST + ": " + key + " names " + path
                  + ", which the project does not have");
            }
          }
          lists.put(key, List.copyOf((List<String>) entry.getValue()));
        }
        case "name", "description" -> { }
        default -> throw new TaidonException(ErrorCode.INVALID_ARGUMENT, MANIFEST + ": unknown key '" + key
            + "' (known: name, description, steps, tests)");
      }
    }
    return lists;
  }

  /** One script with its includes, in a context of its own, as one {@code psql -f} run reads it. */
  private ScriptChains.Script parse(String path) {
    ScriptContext context = ScriptContext.forProject(this::include);
    List<ScriptItem> items = ScriptParser.parse(files.get(path), path, context);
    return new ScriptChains.Script(path, items, Chains.scriptDigest(context.texts()));
  }

  private ScriptContext.Included include(String from, String path, boolean relative) {
    Path base = relative ? Path.of("/", from).getParent() : Path.of("/");
    Path resolved = base.resolve(path).normalize();
    String inProject = resolved.toString().substring(1);
    if (path.startsWith("/") || !resolved.startsWith("/") || !files.containsKey(inProject)) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the project has no file "
          + (inProject.isEmpty() ? path : inProject));
    }
    return new ScriptContext.Included(inProject, files.get(inProject));
  }
}
