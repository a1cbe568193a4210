package dev.taidon.userprofile.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.userprofile.ProfileSettings;
import dev.taidon.userprofile.Worksheet;
import dev.taidon.userprofile.WorksheetBase;
import dev.taidon.userprofile.WorksheetChange;
import dev.taidon.userprofile.WorksheetSummary;
import dev.taidon.userprofile.Worksheets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Worksheets in the control database ({@code user_profile.worksheet}). */
final class JdbcWorksheets implements Worksheets {
  private static final Pattern WORKSHEET_ID = Pattern.compile("ws-[0-9a-f]{32}");
  private static final Pattern CELL_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final TypeReference<List<Worksheet.Cell>> CELLS = new TypeReference<>() {};
  private static final OwnerQuota QUOTA = new OwnerQuota("worksheet", "max-worksheets", "worksheets");

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final ProfileSettings settings;

  JdbcWorksheets(JdbcClient jdbc, JsonMapper json, ProfileSettings settings) {
    this.jdbc = jdbc;
    this.json = json;
    this.settings = settings;
  }

  @Override
  public Worksheet createWorksheet(String owner, String title, WorksheetBase base) {
    return createWithCells(owner, title, base, List.of());
  }

  /** Creates a worksheet that has cells from the start, held to the limits of a save. */
  Worksheet createWithCells(String owner, String title, WorksheetBase base, List<Worksheet.Cell> cells) {
    String checkedTitle = checkTitle(title == null || title.isBlank() ? "Untitled worksheet" : title);
    List<Worksheet.Cell> checkedCells = checkCells(cells);
    QUOTA.requireRoom(jdbc, owner, settings.maxWorksheets(), "; delete one to create another");
    String id = "ws-" + UUID.randomUUID().toString().replace("-", "");
    jdbc.sql("INSERT INTO user_profile.worksheet (id, owner, title, base, cells) VALUES (?, ?, ?, ?::jsonb, ?::jsonb)")
        .params(id, owner, checkedTitle, json.writeValueAsString(base), json.writeValueAsString(checkedCells)).update();
    return worksheet(owner, id);
  }

  @Override
  public Worksheet worksheet(String owner, String id) {
    return find(owner, id).orElseThrow(() -> notFound(id));
  }

  private Optional<Worksheet> find(String owner, String id) {
    if (id == null || !WORKSHEET_ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return jdbc.sql("""
            SELECT id, owner, title, base, cells, version, created_at, updated_at
            FROM user_profile.worksheet WHERE id = ? AND owner = ?""")
        .params(id, owner).query(this::worksheetRow).optional();
  }

  private Worksheet worksheetRow(ResultSet row, int number) throws SQLException {
    return new Worksheet(row.getString("id"), row.getString("owner"), row.getString("title"),
        json.readValue(row.getString("base"), WorksheetBase.class), json.readValue(row.getString("cells"), CELLS),
        row.getLong("version"), row.getTimestamp("created_at").toInstant(), row.getTimestamp("updated_at").toInstant());
  }

  @Override
  public List<WorksheetSummary> worksheetsOf(String owner) {
    return jdbc.sql("""
            SELECT id, title, base, jsonb_array_length(cells) AS cell_count, updated_at
            FROM user_profile.worksheet WHERE owner = ? ORDER BY updated_at DESC, id""")
        .param(owner)
        .query((row, number) -> new WorksheetSummary(row.getString("id"), row.getString("title"),
            json.readValue(row.getString("base"), WorksheetBase.class), row.getInt("cell_count"),
            row.getTimestamp("updated_at").toInstant()))
        .list();
  }

  @Override
  public Worksheet updateWorksheet(String owner, String id, WorksheetChange change) {
    List<Worksheet.Cell> cells = checkCells(change.cells());
    Optional<String> title = change.title().map(this::checkTitle);
    Worksheet current = worksheet(owner, id);
    if (change.expectedVersion().isPresent() && change.expectedVersion().get() != current.version()) {
      throw conflict(id, change.expectedVersion().get(), current.version());
    }
    int updated = jdbc.sql("""
            UPDATE user_profile.worksheet
            SET title = ?, cells = ?::jsonb, version = version + 1, updated_at = now()
            WHERE id = ? AND owner = ? AND version = ?""")
        .params(title.orElse(current.title()), json.writeValueAsString(cells), id, owner, current.version()).update();
    if (updated == 0) {
      // Another save came between reading and writing.
      Worksheet now = worksheet(owner, id);
      throw conflict(id, current.version(), now.version());
    }
    return worksheet(owner, id);
  }

  private static TaidonException conflict(String id, long expected, long actual) {
    return new TaidonException(ErrorCode.CONFLICT, "worksheet " + id + " is at version " + actual
        + ", not " + expected + ": it was changed elsewhere; reload it and apply your edit again",
        Map.of("version", actual), null);
  }

  @Override
  public void deleteWorksheet(String owner, String id) {
    if (id == null || !WORKSHEET_ID.matcher(id).matches()
        || jdbc.sql("DELETE FROM user_profile.worksheet WHERE id = ? AND owner = ?").params(id, owner).update() == 0) {
      throw notFound(id);
    }
  }

  @Override
  public int deleteWorksheetsOf(String owner) {
    return jdbc.sql("DELETE FROM user_profile.worksheet WHERE owner = ?").param(owner).update();
  }

  private String checkTitle(String title) {
    if (title.length() > settings.maxTitleChars()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT,
          "a worksheet title has at most " + settings.maxTitleChars() + " characters, not " + title.length());
    }
    if (title.chars().anyMatch(c -> c < 0x20)) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "a worksheet title cannot hold control characters");
    }
    return title;
  }

  private List<Worksheet.Cell> checkCells(List<Worksheet.Cell> cells) {
    if (cells == null) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "cells is required: the complete list of the worksheet's cells");
    }
    if (cells.size() > settings.maxCells()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "a worksheet has at most " + settings.maxCells()
          + " cells, not " + cells.size());
    }
    Set<String> ids = new HashSet<>();
    long chars = 0;
    for (int i = 0; i < cells.size(); i++) {
      Worksheet.Cell cell = cells.get(i);
      if (cell == null || cell.id() == null || !CELL_ID.matcher(cell.id()).matches()) {
        throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "cell " + (i + 1) + ": a cell id is 1 to 64 letters, "
            + "digits, '-' or '_'");
      }
      if (!ids.add(cell.id())) {
        throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "cell " + (i + 1) + ": the id '" + cell.id()
            + "' is used by an earlier cell; cell ids are unique within a worksheet");
      }
      if (cell.sql() == null) {
        throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "cell " + cell.id() + " has no sql (use \"\" for an empty cell)");
      }
      if (cell.sql().length() > settings.maxCellChars()) {
        throw new TaidonException(ErrorCode.PAYLOAD_TOO_LARGE, "cell " + cell.id() + " holds " + cell.sql().length()
            + " characters; a cell holds at most " + settings.maxCellChars());
      }
      if (cell.sql().indexOf('\0') >= 0) {
        throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "cell " + cell.id() + " contains a NUL character,"
            + " which PostgreSQL cannot receive");
      }
      chars += cell.sql().length();
    }
    if (chars > settings.maxWorksheetChars()) {
      throw new TaidonException(ErrorCode.PAYLOAD_TOO_LARGE, "the cells hold " + chars + " characters together; a"
          + " worksheet holds at most " + settings.maxWorksheetChars());
    }
    return List.copyOf(cells);
  }

  private static TaidonException notFound(String id) {
    String shown = id == null ? "null" : id.length() > 40 ? id.substring(0, 40) + "…" : id;
    return new TaidonException(ErrorCode.NOT_FOUND, "no worksheet " + shown);
  }
}
