package dev.taidon.gateway.internal;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The beans of the gateway role: the public HTTP API and the SPA (served from the frontend jar). */
@Configuration(proxyBeanMethods = false)
@Import(PlatformController.class)
public class GatewayConfiguration {}
