package dev.taidon.sqlrunner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatasetCatalogTest {

  @Test
  void listsTheTablesEachBuiltInScriptCreates() {
    assertThat(DatasetCatalog.require("clubdata").dataset().tables())
        .as("clubdata's tables, read from clubdata.sql")
        .containsExactly("bookings", "facilities", "members");
    assertThat(DatasetCatalog.require("chinook").dataset().tables())
        .as("chinook's tables, read from Chinook_PostgreSql.sql")
        .containsExactly("album", "artist", "customer", "employee", "genre", "invoice", "invoice_line",
            "media_type", "playlist", "playlist_track", "track");
  }

  @Test
  void readsCreateTableAtLineStartsOnlyWhateverTheCaseOrQualification() {
    String script = """
        -- CREATE TABLE commented_out (a int);
        create table if not exists cd.members (id int);
          CREATE TABLE "Quoted" (x int);
        SELECT 'CREATE TABLE in_a_string';
        CREATE TEMP TABLE not_listed (y int);
        """;
    assertThat(DatasetCatalog.tablesCreatedBy(script)).containsExactly("cd.members", "\"Quoted\"");
  }
}
