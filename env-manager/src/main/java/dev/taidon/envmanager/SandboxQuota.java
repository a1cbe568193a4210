package dev.taidon.envmanager;

/**
 * The sandbox limits of one owner kind.
 *
 * @param sandboxes how many sandboxes an account may have
 * @param hotSandboxes how many of them may run at once
 * @param diskBytes how large a sandbox's data may grow
 */
public record SandboxQuota(int sandboxes, int hotSandboxes, long diskBytes) {}
