package dev.taidon.userprofile;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the user-profile role ({@code taidon.profile.*}).
 *
 * @param upkeepInterval how often expired anonymous accounts are removed with their sandboxes
 */
@ConfigurationProperties("taidon.profile")
public record ProfileSettings(@DefaultValue("10m") Duration upkeepInterval) {

  public ProfileSettings {
    if (upkeepInterval.toMillis() < 100) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          "taidon.profile.upkeep-interval must be at least 100ms, not " + upkeepInterval);
    }
  }
}
