package dev.taidon.envmanager;

/**
 * How to reach a hot sandbox's learner database. Opaque to callers: it names a Unix socket for the
 * local runtime and a service address on Kubernetes.
 *
 * @param jdbcUrl the JDBC URL of the learner database
 * @param user the unprivileged role learner SQL runs as
 * @param database the learner database
 * @param address the server's protocol address: {@code unix:<socket file>} or {@code tcp://host:port}
 */
public record SandboxEndpoint(String jdbcUrl, String user, String database, String address) {}
