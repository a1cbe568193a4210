package dev.taidon.vcssync;

import java.time.Instant;
import java.util.List;

/**
 * A stored project.
 *
 * @param id {@code pr-} and 32 hex digits
 * @param name what its owner called it
 * @param files its paths, in byte order
 * @param bytes the size of its files together
 * @param createdAt when it was uploaded
 */
public record ProjectInfo(String id, String name, List<String> files, long bytes, Instant createdAt) {}
