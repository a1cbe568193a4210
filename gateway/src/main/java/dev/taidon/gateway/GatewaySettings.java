package dev.taidon.gateway;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the public edge ({@code taidon.gateway.*}).
 *
 * @param maxRequestSize the largest request body the API accepts; larger ones are refused with 413
 * @param corsOrigins origins whose pages may call the API from a browser; empty allows none but
 *     the platform's own
 */
@ConfigurationProperties("taidon.gateway")
public record GatewaySettings(
    @DefaultValue("1MB") DataSize maxRequestSize,
    @DefaultValue List<String> corsOrigins) {

  public GatewaySettings {
    if (maxRequestSize.toBytes() < 1024 || maxRequestSize.toMegabytes() > 512) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          "taidon.gateway.max-request-size must be between 1KB and 512MB, not " + maxRequestSize);
    }
    corsOrigins = List.copyOf(corsOrigins);
    for (String origin : corsOrigins) {
      if (origin.equals("*") || !origin.matches("https?://[^/\\s]+")) {
        throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
            "taidon.gateway.cors-origins takes origins such as https://learn.example.org, not '" + origin + "'");
      }
    }
  }
}
