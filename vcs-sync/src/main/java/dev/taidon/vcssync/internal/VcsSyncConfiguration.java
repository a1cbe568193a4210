package dev.taidon.vcssync.internal;

import org.springframework.context.annotation.Configuration;

/**
 * The beans of the vcs-sync role, created only in processes whose {@code --target} includes it. The role
 * has no services of its own yet; its capabilities arrive with their issues.
 */
@Configuration(proxyBeanMethods = false)
public class VcsSyncConfiguration {}
