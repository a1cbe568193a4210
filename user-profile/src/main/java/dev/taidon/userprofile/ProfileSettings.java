package dev.taidon.userprofile;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the user-profile role ({@code taidon.profile.*}), validated at start.
 *
 * @param upkeepInterval how often expired anonymous accounts are removed with their sandboxes and worksheets
 * @param maxWorksheets worksheets one account may keep
 * @param maxCells cells one worksheet may hold
 * @param maxCellChars characters of SQL one cell may hold
 * @param maxWorksheetChars characters of SQL all cells of a worksheet may hold together
 * @param maxTitleChars characters of a worksheet title
 * @param maxShares shares one account may have made (they are kept until the account goes)
 */
@ConfigurationProperties("taidon.profile")
public record ProfileSettings(
    @DefaultValue("10m") Duration upkeepInterval,
    @DefaultValue("200") int maxWorksheets,
    @DefaultValue("200") int maxCells,
    @DefaultValue("262144") int maxCellChars,
    @DefaultValue("2097152") int maxWorksheetChars,
    @DefaultValue("200") int maxTitleChars,
    @DefaultValue("1000") int maxShares) {

  public ProfileSettings {
    if (upkeepInterval.toMillis() < 100) {
      throw invalid("taidon.profile.upkeep-interval must be at least 100ms, not " + upkeepInterval);
    }
    if (maxWorksheets < 1 || maxCells < 1 || maxCellChars < 1 || maxTitleChars < 1 || maxShares < 1) {
      throw invalid("taidon.profile.max-* limits must be at least 1");
    }
    if (maxWorksheetChars < maxCellChars) {
      throw invalid("taidon.profile.max-worksheet-chars (" + maxWorksheetChars
          + ") must be at least taidon.profile.max-cell-chars (" + maxCellChars + ")");
    }
  }

  private static TaidonException invalid(String message) {
    return new TaidonException(ErrorCode.INVALID_CONFIGURATION, message);
  }
}
