package dev.taidon.userprofile.internal;

import dev.taidon.auditlog.AuditEvent;
import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.FieldDigest;
import dev.taidon.core.TaidonException;
import dev.taidon.userprofile.ProfileSettings;
import dev.taidon.userprofile.Share;
import dev.taidon.userprofile.Shares;
import dev.taidon.userprofile.Worksheet;
import dev.taidon.userprofile.WorksheetBase;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Shares in the control database ({@code user_profile.share}), found by the SHA-256 of their token.
 * Audit entries name a share by the first characters of that digest, never by its token, which
 * would open it.
 */
final class JdbcShares implements Shares {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** 24 random bytes: 192 bits, 32 characters of URL-safe Base64. */
  private static final int TOKEN_BYTES = 24;
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{32}");
  private static final OwnerQuota QUOTA = new OwnerQuota("share", "max-shares", "shares");

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final ProfileSettings settings;
  private final JdbcWorksheets worksheets;
  private final AuditLog auditLog;

  JdbcShares(JdbcClient jdbc, JsonMapper json, ProfileSettings settings, JdbcWorksheets worksheets, AuditLog auditLog) {
    this.jdbc = jdbc;
    this.json = json;
    this.settings = settings;
    this.worksheets = worksheets;
    this.auditLog = auditLog;
  }

  @Override
  public Share shareWorksheet(String owner, String worksheetId) {
    Worksheet worksheet = worksheets.worksheet(owner, worksheetId);
    if (worksheet.base().project().isPresent()) {
      throw new TaidonException(ErrorCode.CONFLICT, "worksheet " + worksheet.id() + " starts from a project, which"
          + " only you may read, so it cannot be shared");
    }
    QUOTA.requireRoom(jdbc, owner, settings.maxShares(), "");
    byte[] random = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    String digest = digest(token);
    jdbc.sql("""
            INSERT INTO user_profile.share (token_digest, owner, worksheet_id, title, base, cells)
            VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb)""")
        .params(digest, owner, worksheet.id(), worksheet.title(), json.writeValueAsString(worksheet.base()),
            json.writeValueAsString(worksheet.cells()))
        .update();
    auditLog.append(new AuditEvent("share.created", owner, Map.of("share", shortName(digest), "worksheet",
        worksheet.id())));
    return share(token);
  }

  @Override
  public Share share(String token) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw notFound();
    }
    return jdbc.sql("SELECT owner, title, base, cells, created_at FROM user_profile.share WHERE token_digest = ?")
        .param(digest(token))
        .query((row, number) -> new Share(token, row.getString("owner"), row.getString("title"),
            json.readValue(row.getString("base"), WorksheetBase.class),
            json.readValue(row.getString("cells"), JdbcWorksheets.CELLS), row.getTimestamp("created_at").toInstant()))
        .optional().orElseThrow(JdbcShares::notFound);
  }

  @Override
  public Worksheet copyShare(String owner, String token) {
    Share share = share(token);
    Worksheet copy = worksheets.createWithCells(owner, share.title(), share.base(), share.cells());
    auditLog.append(new AuditEvent("share.copied", owner, Map.of("share", shortName(digest(token)), "worksheet",
        copy.id(), "sharedBy", share.owner())));
    return copy;
  }

  @Override
  public int deleteSharesOf(String owner) {
    return jdbc.sql("DELETE FROM user_profile.share WHERE owner = ?").param(owner).update();
  }

  private static String digest(String token) {
    return FieldDigest.sha256(List.of(token));
  }

  private static String shortName(String digest) {
    return digest.substring(0, 16);
  }

  private static TaidonException notFound() {
    return new TaidonException(ErrorCode.NOT_FOUND, "no share has this token; a share link is valid as long as the"
        + " account that shared it exists");
  }
}
