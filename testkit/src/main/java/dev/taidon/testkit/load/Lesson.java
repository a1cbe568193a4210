package dev.taidon.testkit.load;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A learner's worksheet on a dataset and what each cell must answer. Cell 1 creates a table from
 * the dataset with a row limit the learner edits now and then; cell 3 counts it, so a run after an
 * edit proves that the edited cell was replayed. The last cell fails on purpose.
 */
final class Lesson {
  private final String dataset;
  private final String baseCount;
  private final String create;
  private final List<String> cells = new ArrayList<>();
  private final int groups;
  private int limit = 20;

  private Lesson(String dataset, String baseCount, String create, List<String> rest, int groups) {
    this.dataset = dataset;
    this.baseCount = baseCount;
    this.create = create;
    this.groups = groups;
    cells.addAll(rest);
    cells.set(1, create.formatted(limit));
  }

  static Lesson chinook() {
    return new Lesson("chinook", "3503",
        "CREATE TABLE picks AS SELECT track_id, name FROM track ORDER BY track_id LIMIT %d",
        List.of("SELECT count(*) FROM track", "", "UPDATE picks SET name = upper(name) WHERE track_id % 2 = 0",
            "SELECT count(*) FROM picks",
            "EXPLAIN (FORMAT JSON) SELECT * FROM track t JOIN album a USING (album_id) WHERE a.title LIKE 'A%'",
            "SELECT g.name, count(*) FROM track t JOIN genre g USING (genre_id) GROUP BY g.name ORDER BY 2 DESC, 1 LIMIT 5",
            "SELECT 1", "SELECT nosuchcolumn FROM track"), 5);
  }

  static Lesson clubdata() {
    return new Lesson("clubdata", "31",
        "CREATE TABLE cd.picks AS SELECT memid, surname FROM cd.members ORDER BY memid LIMIT %d",
        List.of("SELECT count(*) FROM cd.members", "", "UPDATE cd.picks SET surname = upper(surname)",
            "SELECT count(*) FROM cd.picks",
            "EXPLAIN (FORMAT JSON) SELECT * FROM cd.bookings b JOIN cd.facilities f USING (facid) WHERE f.name LIKE 'Tennis%'",
            "SELECT facid, sum(slots) FROM cd.bookings GROUP BY facid ORDER BY facid", "SELECT 1",
            "SELECT nosuchcolumn FROM cd.members"), 9);
  }

  String dataset() {
    return dataset;
  }

  List<String> cells() {
    return cells;
  }

  /** Changes the row limit of the table cell 1 creates (at most 30: clubdata has 31 members). */
  void edit(int newLimit) {
    limit = Math.min(30, newLimit);
    cells.set(1, create.formatted(limit));
  }

  int checkCell() {
    return 3;
  }

  int explainCell() {
    return 4;
  }

  int trivialCell() {
    return 6;
  }

  int errorCell() {
    return 7;
  }

  /** Whether cell {@code cell}'s run answered what it must. */
  record Check(String problem, boolean intendedError) {}

  Check check(int cell, JsonNode run) {
    JsonNode steps = run.path("steps");
    String outcome = run.path("outcome").asString();
    if (steps.isEmpty()) {
      return new Check("the run planned no steps: outcome " + outcome + ", " + run.path("failure").asString(""), false);
    }
    JsonNode statements = steps.get(steps.size() - 1).path("statements");
    if (cell == errorCell()) {
      String sqlstate = statements.path(0).at("/error/sqlstate").asString();
      return "42703".equals(sqlstate) ? new Check(null, true)
          : new Check("the intended error came back as " + sqlstate + " in " + run, false);
    }
    if (!outcome.equals("succeeded")) {
      return new Check("outcome " + outcome + ": " + run.path("failure").asString(statements.toString()), false);
    }
    String first = statements.path(0).at("/rows/0/0").asString("");
    String problem = switch (cell) {
      case 0 -> first.equals(baseCount) ? null : "counted " + first + ", not " + baseCount;
      case 3 -> first.equals(Integer.toString(limit)) ? null : "counted " + first + " rows, not the edited " + limit;
      case 4 -> statements.path(0).at("/plan/0/Plan/Node Type").isMissingNode() ? "no plan tree" : null;
      case 5 -> statements.path(0).path("rows").size() == groups ? null
          : statements.path(0).path("rows").size() + " groups, not " + groups;
      case 6 -> first.equals("1") ? null : "SELECT 1 gave " + first;
      default -> null;
    };
    return new Check(problem, false);
  }
}
