package dev.taidon.testkit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads values out of a Prometheus text exposition ({@code /actuator/prometheus}). */
public final class PrometheusText {
  private PrometheusText() {}

  /**
   * The sum of the series named {@code name} whose labels contain {@code labels} (for example
   * {@code mode="replayed"}, or empty for all); 0 when there is none.
   */
  public static double sum(String exposition, String name, String labels) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(labels)
        + "[^}]*} ([0-9.E+-]+)$").matcher(exposition);
    double sum = 0;
    while (matcher.find()) {
      sum += Double.parseDouble(matcher.group(1));
    }
    return sum;
  }
}
