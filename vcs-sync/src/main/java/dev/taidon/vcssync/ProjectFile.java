package dev.taidon.vcssync;

/**
 * One file of a project.
 *
 * @param path relative, {@code /}-separated, without {@code .} or {@code ..} segments
 * @param content its text
 */
public record ProjectFile(String path, String content) {}
