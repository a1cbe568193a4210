package dev.taidon.envmanager;

/**
 * How to reach a hot sandbox's learner database: a JDBC URL and the learner role. Opaque to callers:
 * it names a Unix socket for the local runtime and a service address on Kubernetes.
 *
 * @param jdbcUrl the JDBC URL of the learner database
 * @param user the unprivileged role learner SQL runs as
 */
public record SandboxEndpoint(String jdbcUrl, String user) {}
