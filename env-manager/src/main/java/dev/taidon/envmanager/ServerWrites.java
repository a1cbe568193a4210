package dev.taidon.envmanager;

/**
 * What a running sandbox server has written: the bytes its processes, those that have exited
 * included, handed to the kernel in write calls since the server started. Files grow through such
 * writes, so between two readings of the same {@code server} the sandbox's data can have grown by
 * at most the difference, apart from the few megabytes a server reserves without writing (see the
 * env-manager's disk watchdog).
 *
 * @param server tells servers apart: a server started again has another value
 * @param bytes the bytes written so far, only ever growing for one server
 */
public record ServerWrites(long server, long bytes) {}
