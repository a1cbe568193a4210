package dev.taidon.userprofile.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A per-account cap on the rows of one of the role's tables, checked before a row is added. */
record OwnerQuota(String table, String setting, String rows) {

  /**
   * @throws TaidonException {@code QUOTA_EXCEEDED} naming the setting when {@code owner} already
   *     has {@code allowed} rows; {@code advice} ends the message
   */
  void requireRoom(JdbcClient jdbc, String owner, int allowed, String advice) {
    int count = jdbc.sql("SELECT count(*) FROM user_profile." + table + " WHERE owner = ?").param(owner)
        .query(Integer.class).single();
    if (count >= allowed) {
      throw new TaidonException(ErrorCode.QUOTA_EXCEEDED, "you have " + count + " " + rows + ", the most allowed"
          + " (taidon.profile." + setting + " = " + allowed + ")" + advice,
          Map.of("limit", setting, "allowed", allowed), null);
    }
  }
}
