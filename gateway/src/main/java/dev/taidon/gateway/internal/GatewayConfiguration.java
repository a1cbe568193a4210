package dev.taidon.gateway.internal;

import dev.taidon.core.web.ProblemResponses;
import dev.taidon.gateway.GatewaySettings;
import dev.taidon.idp.AuthSettings;
import dev.taidon.idp.Identity;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;
import dev.taidon.vcssync.ProjectLimits;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/** The beans of the gateway role: the public HTTP API and the SPA (served from the frontend jar). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({AuthSettings.class, GatewaySettings.class, ProjectLimits.class})
@Import({PlatformController.class, AuthController.class, AuditController.class, WorksheetController.class,
    ShareController.class, ProjectController.class, SpaPageController.class})
public class GatewayConfiguration {

  /** Registered by Spring Boot in the JSON mapper that reads request bodies. */
  @Bean
  tools.jackson.databind.JacksonModule storableText() {
    return StorableText.module();
  }

  /** Runs first: headers on every answer, including those of refused requests. */
  @Bean
  FilterRegistrationBean<EdgeFilter> edgeFilter(GatewaySettings settings, JsonMapper json, ProblemResponses problems) {
    FilterRegistrationBean<EdgeFilter> registration = new FilterRegistrationBean<>(new EdgeFilter(settings, json, problems));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }

  /**
   * Browsers may call the API from the configured origins only; without any, cross-origin calls get
   * no CORS headers and the browser refuses them.
   */
  @Bean
  FilterRegistrationBean<CorsFilter> corsFilter(GatewaySettings settings) {
    CorsConfiguration cors = new CorsConfiguration();
    cors.setAllowedOrigins(settings.corsOrigins());
    cors.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE"));
    cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept"));
    cors.setMaxAge(3600L);
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/api/**", cors);
    FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(source));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
    return registration;
  }

  @Bean
  RateLimiter rateLimiter(DataSource controlDatabase) {
    return RateLimiter.over(controlDatabase);
  }

  /** Per client address, before authentication: floods of bad tokens are limited too. */
  @Bean
  FilterRegistrationBean<RateLimitFilter> addressRateLimit(RateLimiter limiter, GatewaySettings settings, JsonMapper json,
      MeterRegistry registry) {
    return onApi(new RateLimitFilter(limiter, settings, json, false, registry), 25);
  }

  /** Per account, after authentication. */
  @Bean
  FilterRegistrationBean<RateLimitFilter> accountRateLimit(RateLimiter limiter, GatewaySettings settings, JsonMapper json,
      MeterRegistry registry) {
    return onApi(new RateLimitFilter(limiter, settings, json, true, registry), 35);
  }

  /**
   * A bean of its own, so that its hold keeper stops with the context even when the context fails
   * before the servlet container took the filter into service (and would take it out again).
   */
  @Bean(destroyMethod = "destroy")
  AdmissionFilter admissionFilter(GatewaySettings settings, JsonMapper json, MeterRegistry registry) {
    return new AdmissionFilter(settings, json, registry);
  }

  /** After the rate limits: a refused client takes no place in the line. */
  @Bean
  FilterRegistrationBean<AdmissionFilter> admission(AdmissionFilter admissionFilter) {
    return onApi(admissionFilter, 40);
  }

  @Bean
  FilterRegistrationBean<BearerAuthentication> bearerAuthentication(Identity identity, AuthSettings settings,
      JsonMapper json, MeterRegistry registry) {
    return onApi(new BearerAuthentication(new AccessTokenVerifier(identity, settings, Clock.systemUTC()), json, registry), 30);
  }

  /** Registers a filter for the API paths, at a position after {@link Ordered#HIGHEST_PRECEDENCE}. */
  private static <F extends jakarta.servlet.Filter> FilterRegistrationBean<F> onApi(F filter, int position) {
    FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns("/api/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + position);
    return registration;
  }
}
