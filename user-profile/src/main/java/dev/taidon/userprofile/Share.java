package dev.taidon.userprofile;

import java.time.Instant;
import java.util.List;

/**
 * A worksheet's title, base and cells as they were when its owner shared them, readable by anyone
 * who holds the token. A share never changes; the worksheet it was taken from may.
 *
 * @param token the share's only name: 32 URL-safe characters, 192 random bits
 * @param owner the account that shared it
 * @param title the worksheet's title then
 * @param base the worksheet's base
 * @param cells the worksheet's cells then
 * @param createdAt when it was shared
 */
public record Share(String token, String owner, String title, WorksheetBase base, List<Worksheet.Cell> cells,
    Instant createdAt) {

  public Share {
    cells = List.copyOf(cells);
  }
}
