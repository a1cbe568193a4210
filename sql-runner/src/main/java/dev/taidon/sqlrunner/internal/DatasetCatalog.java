package dev.taidon.sqlrunner.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.sqlrunner.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The datasets shipped in this module ({@code datasets/<id>/}), with their licences. */
final class DatasetCatalog {

  /**
   * A dataset and the psql script that builds it.
   *
   * @param adjustment SQL run after the script, in the database it ended in, where the platform
   *     departs from the published script; part of the dataset's state id
   */
  record Source(Dataset dataset, String scriptResource, String adjustment) {

    /** A dataset whose table list is read from its script, so the two cannot disagree. */
    static Source of(String id, String title, String description, String licence, String database,
        String scriptResource, String adjustment) {
      return new Source(new Dataset(id, title, description, licence, database, tablesCreatedBy(resource(scriptResource))),
          scriptResource, adjustment);
    }

    String script() {
      String script = resource(scriptResource);
      return adjustment.isEmpty() ? script : script + "\n" + adjustment + "\n";
    }
  }

  // Before BUILT_IN: static fields initialise in textual order.
  private static final Pattern CREATE_TABLE = Pattern.compile("(?im)^\\s*CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([A-Za-z_\"][A-Za-z0-9_.$\"]*)");

  static final List<Source> BUILT_IN = List.of(
      Source.of("clubdata", "Country club (PostgreSQL Exercises)",
          "Members, facilities and bookings of a country club, in schema cd: the dataset of pgexercises.com, good for"
              + " joins, aggregates and window functions.", "BSD-2-Clause, Copyright (c) 2013-2014 Alisdair Owens",
          "exercises", "datasets/clubdata/clubdata.sql",
          // pgexercises.com serves the data read-only; here learners practise changing it too.
          "ALTER DATABASE exercises RESET default_transaction_read_only;"),
      Source.of("chinook", "Chinook music store",
          "A digital media store: artists, albums, tracks, playlists, customers, employees and invoices.",
          "MIT, Copyright (c) 2008-2024 Luis Rocha", "chinook", "datasets/chinook/Chinook_PostgreSql.sql", ""));

  private DatasetCatalog() {}

  static Optional<Source> find(String id) {
    return BUILT_IN.stream().filter(source -> source.dataset().id().equals(id)).findFirst();
  }

  static Source require(String id) {
    return find(id).orElseThrow(() -> new TaidonException(ErrorCode.NOT_FOUND, "no dataset '"
        + (id.length() > 40 ? id.substring(0, 40) + "…" : id) + "'; the datasets are "
        + BUILT_IN.stream().map(source -> source.dataset().id()).toList()));
  }

  /** The names of the tables a script creates at the start of a line, in order. */
  static List<String> tablesCreatedBy(String script) {
    List<String> tables = new ArrayList<>();
    Matcher matcher = CREATE_TABLE.matcher(script);
    while (matcher.find()) {
      tables.add(matcher.group(1));
    }
    return tables;
  }

  private static String resource(String path) {
    try (InputStream in = DatasetCatalog.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the dataset resource " + path + " is missing from the sql-runner module");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
