package dev.taidon.testkit.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Learners, as virtual threads, driving the public HTTP API of a running platform the way the SPA
 * does: sign in (anonymously or by registering), open a worksheet on a dataset, save a lesson's
 * cells, then run them with think time: the next cell, a trivial query again, an edit of an earlier
 * cell followed by a run of a later one, an EXPLAIN, a cell with an intended SQL error, now and
 * then a reset. Every answer is checked (statuses, outcomes, values); what is not as expected is an
 * unexpected error with a description. Bounded in users and time; stops by itself.
 */
public final class LoadDriver {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * @param anonymousUsers learners who sign in anonymously
   * @param registeredUsers learners who register with an email and password
   * @param ramp the time over which learners arrive, evenly
   * @param stay how long each learner keeps working after arriving
   * @param thinkTime the mean pause between two actions of a learner (uniform in 0.5x to 1.5x)
   * @param seed for the random choices, so a run can be repeated
   */
  public record Config(int anonymousUsers, int registeredUsers, Duration ramp, Duration stay, Duration thinkTime,
      long seed) {}

  /**
   * The kinds of request the report breaks down. FIRST_RUN is a new learner's first run (the one
   * that gets them a sandbox); FIRST_RESULT is not a request but the time from arrival to the rows
   * of that run, sign-in included.
   */
  public enum Kind {
    SIGN_IN, OPEN_WORKSHEET, SAVE, FIRST_RUN, FIRST_RESULT, RUN_NEXT, RUN_TRIVIAL, RUN_AFTER_EDIT, EXPLAIN, INTENDED_ERROR, RESET
  }

  /**
   * What a load run did.
   *
   * @param latencies milliseconds of every request, by kind (FIRST_RESULT: from sign-in to the first rows)
   * @param failures requests of each kind that did not get the expected answer
   * @param unexpected up to 50 descriptions of what went wrong
   * @param intendedErrors SQL errors the lesson asked for, which came back as they should
   * @param elapsed from the first arrival to the last learner's end
   * @param runs every run the server answered in full, with the outcome it told
   * @param visits every learner who got a worksheet, with what the server acknowledged of it
   */
  public record Report(Map<Kind, List<Double>> latencies, Map<Kind, Integer> failures, List<String> unexpected,
      int intendedErrors, Duration elapsed, List<AcknowledgedRun> runs, List<Visit> visits) {

    public int requests() {
      return latencies.entrySet().stream().filter(entry -> entry.getKey() != Kind.FIRST_RESULT)
          .mapToInt(entry -> entry.getValue().size()).sum();
    }

    public int unexpectedErrors() {
      return failures.values().stream().mapToInt(Integer::intValue).sum();
    }

    public double percentile(Kind kind, double p) {
      List<Double> sorted = new ArrayList<>(latencies.getOrDefault(kind, List.of()));
      if (sorted.isEmpty()) {
        return Double.NaN;
      }
      Collections.sort(sorted);
      int rank = (int) Math.ceil(p / 100.0 * sorted.size());
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
  }

  /** A run the server answered in full: its id and the outcome the learner was told. */
  public record AcknowledgedRun(String runId, String outcome) {}

  /** One learner's worksheet: what the server acknowledged saving, and a save it may not have got. */
  public static final class Visit {
    private final String token;
    private final String worksheet;
    private final Lesson lesson;
    private volatile List<String> acknowledged;
    private volatile List<String> inFlight;

    Visit(String token, String worksheet, Lesson lesson) {
      this.token = token;
      this.worksheet = worksheet;
      this.lesson = lesson;
    }

    public String worksheet() {
      return worksheet;
    }
  }

  /**
   * After the load (and whatever faults it met), checks each learner's worksheet: the server has
   * exactly the cells it last acknowledged, or the save that was in flight when the answer was
   * lost; and the learner can save and run again and gets the results their cells describe.
   * Returns what is wrong, empty when nothing is.
   */
  public static List<String> verifyWorksheets(URI baseUrl, Report report) {
    LoadDriver driver = new LoadDriver(baseUrl, new Config(0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0));
    List<String> problems = new ArrayList<>();
    for (Visit visit : report.visits()) {
      Answer stored = driver.send("GET", "/api/v1/worksheets/" + visit.worksheet, visit.token, null, 200);
      if (stored.status() != 200) {
        problems.add(visit.worksheet + ": GET answered " + stored.status() + ": " + stored.body());
        continue;
      }
      List<String> cells = new ArrayList<>();
      JSON.readTree(stored.body()).path("cells").forEach(cell -> cells.add(cell.path("sql").asString()));
      if (visit.acknowledged != null && !cells.equals(visit.acknowledged) && !cells.equals(visit.inFlight)) {
        problems.add(visit.worksheet + ": the server holds cells " + cells + ", not the acknowledged " + visit.acknowledged);
        continue;
      }
      if (!driver.save(visit.token, visit, visit.lesson)) {
        problems.add(visit.worksheet + ": could not be saved again: " + driver.unexpected.getLast());
        continue;
      }
      if (driver.run(Kind.RUN_AFTER_EDIT, visit.token, visit.worksheet, visit.lesson.checkCell(), visit.lesson) == null) {
        problems.add(visit.worksheet + ": running it again went wrong: " + driver.unexpected.getLast());
      }
    }
    return problems;
  }

  private final URI baseUrl;
  private final Config config;
  private final List<AcknowledgedRun> acknowledgedRuns = Collections.synchronizedList(new ArrayList<>());
  private final List<Visit> visits = Collections.synchronizedList(new ArrayList<>());
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<Kind, List<Double>> latencies = new ConcurrentHashMap<>();
  private final Map<Kind, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger intendedErrors = new AtomicInteger();

  private LoadDriver(URI baseUrl, Config config) {
    this.baseUrl = baseUrl;
    this.config = config;
    for (Kind kind : Kind.values()) {
      latencies.put(kind, Collections.synchronizedList(new ArrayList<>()));
      failures.put(kind, new AtomicInteger());
    }
  }

  /** Runs the whole load and returns when every learner is done (or was stopped at twice its time). */
  public static Report run(URI baseUrl, Config config) throws InterruptedException {
    return new LoadDriver(baseUrl, config).run();
  }

  private Report run() throws InterruptedException {
    int users = config.anonymousUsers() + config.registeredUsers();
    long began = System.nanoTime();
    try (ExecutorService learners = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < users; i++) {
        long arrival = users <= 1 ? 0 : config.ramp().toMillis() * i / (users - 1);
        // Registered learners spread evenly among the others.
        boolean registered = (long) i * config.registeredUsers() / users
            != (long) (i + 1) * config.registeredUsers() / users;
        int number = i;
        learners.execute(() -> learner(number, registered, arrival));
      }
      learners.shutdown();
      Duration limit = config.ramp().plus(config.stay()).multipliedBy(2).plusMinutes(1);
      if (!learners.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        unexpected.add("learners were still working after " + limit.toSeconds() + " s and were stopped");
        learners.shutdownNow();
      }
    }
    Map<Kind, Integer> failed = new LinkedHashMap<>();
    failures.forEach((kind, count) -> failed.put(kind, count.get()));
    return new Report(Map.copyOf(latencies), failed, List.copyOf(unexpected.subList(0, Math.min(50, unexpected.size()))),
        intendedErrors.get(), Duration.ofNanos(System.nanoTime() - began), List.copyOf(acknowledgedRuns),
        List.copyOf(visits));
  }

  /** One learner's visit. */
  private void learner(int number, boolean registered, long arrivalMillis) {
    Random random = new Random(config.seed() * 31 + number);
    try {
      Thread.sleep(arrivalMillis);
      long arrived = System.nanoTime();
      String token = signIn(number, registered);
      if (token == null) {
        return;
      }
      Lesson lesson = random.nextBoolean() ? Lesson.chinook() : Lesson.clubdata();
      String worksheet = timed(Kind.OPEN_WORKSHEET, () -> expect(send("POST", "/api/v1/worksheets", token,
          Map.of("title", "load " + number, "base", Map.of("dataset", lesson.dataset())), 201), "id"));
      if (worksheet == null) {
        return;
      }
      Visit visit = new Visit(token, worksheet, lesson);
      visits.add(visit);
      if (!save(token, visit, lesson)) {
        return;
      }
      JsonNode first = run(Kind.FIRST_RUN, token, worksheet, 0, lesson);
      if (first != null) {
        latencies.get(Kind.FIRST_RESULT).add((System.nanoTime() - arrived) / 1e6);
      }
      int next = 1;
      long end = System.nanoTime() + config.stay().toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep((long) (config.thinkTime().toMillis() * (0.5 + random.nextDouble())));
        int dice = random.nextInt(100);
        if (dice < 45) {
          run(Kind.RUN_NEXT, token, worksheet, next, lesson);
          next = (next + 1) % lesson.cells().size();
        } else if (dice < 70) {
          run(Kind.RUN_TRIVIAL, token, worksheet, lesson.trivialCell(), lesson);
        } else if (dice < 82) {
          lesson.edit(random.nextInt(5, 40));
          if (save(token, visit, lesson)) {
            run(Kind.RUN_AFTER_EDIT, token, worksheet, lesson.checkCell(), lesson);
          }
        } else if (dice < 90) {
          run(Kind.EXPLAIN, token, worksheet, lesson.explainCell(), lesson);
        } else if (dice < 97) {
          run(Kind.INTENDED_ERROR, token, worksheet, lesson.errorCell(), lesson);
        } else {
          timed(Kind.RESET, () -> expect(send("POST", "/api/v1/worksheets/" + worksheet + "/reset", token, null, 204), null));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      fail(Kind.RUN_NEXT, "learner " + number + " stopped: " + e);
    }
  }

  private String signIn(int number, boolean registered) {
    if (!registered) {
      return timed(Kind.SIGN_IN, () -> expect(send("POST", "/api/v1/auth/anonymous", null, null, 201), "accessToken"));
    }
    Map<String, String> credentials = Map.of("email", "load-" + config.seed() + "-" + number + "@example.org",
        "password", "a long enough password " + number);
    return timed(Kind.SIGN_IN, () -> expect(send("POST", "/api/v1/auth/register", null, credentials, 201), "accessToken"));
  }

  private boolean save(String token, Visit visit, Lesson lesson) {
    List<String> sql = List.copyOf(lesson.cells());
    List<Map<String, String>> cells = new ArrayList<>();
    for (int i = 0; i < sql.size(); i++) {
      cells.add(Map.of("id", "c" + i, "sql", sql.get(i)));
    }
    visit.inFlight = sql;
    boolean saved = timed(Kind.SAVE, () -> expect(send("PUT", "/api/v1/worksheets/" + visit.worksheet, token,
        Map.of("cells", cells), 200), "id")) != null;
    if (saved) {
      visit.acknowledged = sql;
    }
    return saved;
  }

  private JsonNode run(Kind kind, String token, String worksheet, int cell, Lesson lesson) {
    long began = System.nanoTime();
    Answer answer = send("POST", "/api/v1/worksheets/" + worksheet + "/run", token, Map.of("through", "c" + cell), 200);
    latencies.get(kind).add((System.nanoTime() - began) / 1e6);
    if (answer.status() != 200) {
      fail(kind, "run of cell c" + cell + " answered " + answer.status() + ": " + answer.body());
      return null;
    }
    JsonNode run = JSON.readTree(answer.body());
    acknowledgedRuns.add(new AcknowledgedRun(run.path("runId").asString(), run.path("outcome").asString()));
    Lesson.Check check = lesson.check(cell, run);
    if (check.intendedError()) {
      intendedErrors.incrementAndGet();
    }
    if (check.problem() != null) {
      fail(kind, "cell c" + cell + " of " + lesson.dataset() + ": " + check.problem());
      return null;
    }
    return run;
  }

  private interface Call<T> {
    T call();
  }

  private <T> T timed(Kind kind, Call<T> call) {
    long began = System.nanoTime();
    try {
      T result = call.call();
      if (result == null) {
        throw new IllegalStateException("no answer");
      }
      return result;
    } catch (RuntimeException e) {
      fail(kind, e.getMessage());
      return null;
    } finally {
      latencies.get(kind).add((System.nanoTime() - began) / 1e6);
    }
  }

  private static String expect(Answer answer, String member) {
    if (answer.status() != answer.expected()) {
      throw new IllegalStateException(answer.method() + " " + answer.path() + " answered " + answer.status() + ": "
          + answer.body());
    }
    return member == null ? "" : JSON.readTree(answer.body()).path(member).asString();
  }

  private void fail(Kind kind, String description) {
    failures.get(kind).incrementAndGet();
    if (unexpected.size() < 200) {
      unexpected.add(kind + ": " + description);
    }
  }

  private record Answer(String method, String path, int status, int expected, String body) {}

  private Answer send(String method, String path, String token, Object body, int expected) {
    HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(Duration.ofMinutes(2))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(method, path, response.statusCode(), expected, response.body());
    } catch (java.io.IOException e) {
      return new Answer(method, path, -1, expected, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(method, path, -1, expected, "interrupted");
    }
  }
}
