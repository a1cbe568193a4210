package dev.taidon.gateway.internal;

import dev.taidon.idp.AuthSettings;
import dev.taidon.idp.Identity;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/** The beans of the gateway role: the public HTTP API and the SPA (served from the frontend jar). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthSettings.class)
@Import({PlatformController.class, AuthController.class})
public class GatewayConfiguration {

  @Bean
  FilterRegistrationBean<BearerAuthentication> bearerAuthentication(Identity identity, AuthSettings settings,
      JsonMapper json) {
    FilterRegistrationBean<BearerAuthentication> registration = new FilterRegistrationBean<>(
        new BearerAuthentication(new AccessTokenVerifier(identity, settings, Clock.systemUTC()), json));
    registration.addUrlPatterns("/api/*");
    return registration;
  }
}
