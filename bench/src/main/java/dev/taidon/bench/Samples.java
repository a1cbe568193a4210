package dev.taidon.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Durations measured by one benchmark step, summarised as median and p99 (nearest rank). */
final class Samples {
  private final String name;
  private final List<Double> millis = new ArrayList<>();

  Samples(String name) {
    this.name = name;
  }

  void add(long nanos) {
    millis.add(nanos / 1_000_000.0);
  }

  String name() {
    return name;
  }

  int count() {
    return millis.size();
  }

  double median() {
    return percentile(50);
  }

  double p99() {
    return percentile(99);
  }

  double percentile(double p) {
    if (millis.isEmpty()) {
      throw new IllegalStateException("no samples for " + name);
    }
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /** One line: name, runs, median, p99 and, when given a baseline, the ratio of the medians. */
  String line(Samples baseline) {
    String ratio = baseline == null ? "" : String.format("   ratio %.1fx of %s", median() / baseline.median(), baseline.name());
    return String.format("  %-44s n=%-3d median %9.1f ms   p99 %9.1f ms%s", name, count(), median(), p99(), ratio);
  }
}
