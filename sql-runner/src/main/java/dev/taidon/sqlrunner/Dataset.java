package dev.taidon.sqlrunner;

import java.util.List;

/**
 * A built-in dataset: a public database shipped with the platform, loaded once as a shared state.
 *
 * @param id what a worksheet base names it by
 * @param title its name
 * @param description what it holds, in a sentence or two
 * @param licence the licence it is distributed under
 * @param database the database a worksheet on it opens in
 * @param tables the tables its script creates, in the script's order, as the script names them
 */
public record Dataset(String id, String title, String description, String licence, String database,
    List<String> tables) {

  public Dataset {
    tables = List.copyOf(tables);
  }
}
