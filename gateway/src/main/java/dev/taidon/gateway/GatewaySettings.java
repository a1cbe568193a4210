package dev.taidon.gateway;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the public edge ({@code taidon.gateway.*}).
 *
 * @param maxRequestSize the largest request body the API accepts; larger ones are refused with 413
 * @param maxUploadSize the largest project upload ({@code POST /api/v1/projects}) accepted
 * @param corsOrigins origins whose pages may call the API from a browser; empty allows none but
 *     the platform's own
 * @param accountRate API requests per second an account may sustain
 * @param accountBurst API requests an account may make at once after a quiet spell
 * @param addressRate API requests per second one client address may sustain (a classroom shares one)
 * @param addressBurst API requests one client address may make at once
 * @param signUpRate new accounts per second one client address may sustain ({@code POST
 *     /api/v1/auth/anonymous} and {@code /register}), on top of its request rate: each account may
 *     hold sandboxes, so a script must not mint them at the request rate
 * @param signUpBurst new accounts one client address may make at once (a classroom arriving together)
 * @param maxInFlight API requests the platform works on at once; later ones wait their turn in
 *     arrival order
 * @param admissionWait the longest a request waits for its turn before it is answered 503
 *     {@code overloaded} with {@code Retry-After}
 * @param admissionHold how long an admitted request counts against {@code maxInFlight}: one that
 *     takes longer (a learner's long statement) lets the next request in
 */
@ConfigurationProperties("taidon.gateway")
public record GatewaySettings(
    @DefaultValue("1MB") DataSize maxRequestSize,
    @DefaultValue("16MB") DataSize maxUploadSize,
    @DefaultValue List<String> corsOrigins,
    @DefaultValue("10") double accountRate,
    @DefaultValue("30") int accountBurst,
    @DefaultValue("100") double addressRate,
    @DefaultValue("300") int addressBurst,
    @DefaultValue("1") double signUpRate,
    @DefaultValue("300") int signUpBurst,
    @DefaultValue("64") int maxInFlight,
    @DefaultValue("60s") Duration admissionWait,
    @DefaultValue("10s") Duration admissionHold) {

  public GatewaySettings {
    if (maxRequestSize.toBytes() < 1024 || maxRequestSize.toMegabytes() > 512) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          "taidon.gateway.max-request-size must be between 1KB and 512MB, not " + maxRequestSize);
    }
    if (maxUploadSize.toBytes() < maxRequestSize.toBytes() || maxUploadSize.toMegabytes() > 512) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION, "taidon.gateway.max-upload-size must be at least"
          + " max-request-size and at most 512MB, not " + maxUploadSize);
    }
    corsOrigins = List.copyOf(corsOrigins);
    if (accountRate <= 0 || addressRate <= 0 || signUpRate <= 0 || accountBurst < 1 || addressBurst < 1
        || signUpBurst < 1) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          "taidon.gateway rates must be positive and bursts at least 1");
    }
    if (maxInFlight < 1 || maxInFlight > 100_000) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          "taidon.gateway.max-in-flight must be between 1 and 100000, not " + maxInFlight);
    }
    if (admissionWait.isNegative() || admissionWait.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          "taidon.gateway.admission-wait must be between 0s and 10m, not " + admissionWait);
    }
    if (admissionHold.compareTo(Duration.ofMillis(100)) < 0 || admissionHold.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          "taidon.gateway.admission-hold must be between 100ms and 10m, not " + admissionHold);
    }
    for (String origin : corsOrigins) {
      if (origin.equals("*") || !origin.matches("https?://[^/\\s]+")) {
        throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
            "taidon.gateway.cors-origins takes origins such as https://learn.example.org, not '" + origin + "'");
      }
    }
  }
}
