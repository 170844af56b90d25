package dev.flagstaff.bench.load;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The P3 load driver: open-loop, fixed-rate, signed Slack event_callbacks against one or more Events API
 * endpoints, alternating between them so each sees the same machine.
 *
 * <pre>
 * java -cp drivers.jar dev.flagstaff.bench.load.LoadDriver \
 *   --target flagstaff=http://127.0.0.1:8080/api/v4/integrations/slack/events \
 *   --target bolt=http://127.0.0.1:3000/api/v4/integrations/slack/events \
 *   --rates 500,1000,2000,4000 --duration 20 --rounds 3 --warmup 30 \
 *   --search 6000,8000,12000,16000,24000,32000 --out benchmarks/results/p3-load.json
 * </pre>
 *
 * The signing secret comes from {@code SLACK_SIGNING_SECRET}. Phases: a warm-up per target (not recorded); then
 * {@code rounds} rounds of every rate on every target (the order of targets flips each round); then, with
 * {@code --search}, for each target the highest rate whose p99 stays within {@code --p99-limit-ms} with at most
 * 0.1% errors: up the ladder from the best fixed rate, then halving the gap between the last pass and the first
 * failure. It stops by itself: every run is bounded by its duration plus the request timeout.
 *
 * <p>On a shared machine, {@code --server-pids} and {@code --quiet-below-cores} make each run wait (at most
 * {@code --quiet-wait-max} seconds) for a 2-second window in which processes other than the driver and the servers
 * use less than that many cores, and every run reports how many cores they used while it ran ("other CPU");
 * with {@code --disturbed-above-cores}, a run during which they used more is recorded as disturbed and repeated
 * (at most {@code --attempts} runs in all).
 */
public final class LoadDriver {
  private final Map<String, URI> targets = new LinkedHashMap<>();
  private int[] rates = {500, 1000, 2000, 4000};
  private int[] searchLadder = {};
  private Duration duration = Duration.ofSeconds(20);
  private Duration leadIn = Duration.ofSeconds(3);
  private Duration warmup = Duration.ofSeconds(30);
  private int warmupRate = 1000;
  private Duration searchDuration = Duration.ofSeconds(10);
  private int searchSteps = 6;
  private int rounds = 3;
  private int connections = 64;
  private Duration timeout = Duration.ofSeconds(3);
  private double p99LimitMs = 20;
  private Path out;
  private final List<Long> serverPids = new ArrayList<>();
  private double quietBelowCores = Double.NaN;
  private long quietWaitMaxMillis = 60_000;
  private double disturbedAboveCores = Double.NaN;
  private int attempts = 3;
  private MachineLoad machine;
  private String secret;
  private int runCounter;

  private final List<String> runsJson = new ArrayList<>();
  private final List<Phase> fixed = new ArrayList<>();
  private final Map<String, Integer> bestRate = new LinkedHashMap<>();
  private final Map<String, Integer> firstFailRate = new LinkedHashMap<>();
  /** Requests scheduled per target over the whole run (warm-up, lead-ins and repeats included). */
  private final Map<String, Long> scheduled = new LinkedHashMap<>();

  private record Phase(int round, RunResult result) {
  }

  public static void main(String[] args) throws Exception {
    LoadDriver driver = new LoadDriver();
    driver.parse(args);
    driver.runAll();
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--target" -> {
          int eq = value.indexOf('=');
          targets.put(value.substring(0, eq), URI.create(value.substring(eq + 1)));
        }
        case "--rates" -> rates = ints(value);
        case "--search" -> searchLadder = ints(value);
        case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(value));
        case "--lead-in" -> leadIn = Duration.ofSeconds(Long.parseLong(value));
        case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value));
        case "--warmup-rate" -> warmupRate = Integer.parseInt(value);
        case "--search-duration" -> searchDuration = Duration.ofSeconds(Long.parseLong(value));
        case "--search-steps" -> searchSteps = Integer.parseInt(value);
        case "--rounds" -> rounds = Integer.parseInt(value);
        case "--connections" -> connections = Integer.parseInt(value);
        case "--timeout-ms" -> timeout = Duration.ofMillis(Long.parseLong(value));
        case "--p99-limit-ms" -> p99LimitMs = Double.parseDouble(value);
        case "--out" -> out = Path.of(value);
        case "--server-pids" -> Arrays.stream(ints(value)).forEach(pid -> serverPids.add((long) pid));
        case "--quiet-below-cores" -> quietBelowCores = Double.parseDouble(value);
        case "--quiet-wait-max" -> quietWaitMaxMillis = Long.parseLong(value) * 1000;
        case "--disturbed-above-cores" -> disturbedAboveCores = Double.parseDouble(value);
        case "--attempts" -> attempts = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
      i++;
    }
    secret = System.getenv("SLACK_SIGNING_SECRET");
    if (targets.isEmpty() || secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("need at least one --target name=url and SLACK_SIGNING_SECRET");
    }
    machine = new MachineLoad(serverPids);
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt)
        .toArray();
  }

  private void runAll() throws Exception {
    System.out.printf(Locale.ROOT, "P3 load driver: %d cores, Java %s; %d connections per target, timeout %d ms%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), connections,
        timeout.toMillis());
    for (String target : targets.keySet()) {
      if (!warmup.isZero()) {
        System.out.println(run(target, warmupRate, warmup).line("warm-up"));
      }
    }
    for (int round = 1; round <= rounds; round++) {
      for (int rate : rates) {
        for (String target : order(round)) {
          RunResult result = run(target, rate, duration);
          fixed.add(new Phase(round, result));
          runsJson.add(result.json("fixed", round));
          System.out.println(result.line("round " + round));
        }
      }
    }
    if (searchLadder.length > 0) {
      search();
    }
    String summary = summary();
    System.out.println();
    System.out.print(summary);
    if (out != null) {
      writeJson();
    }
  }

  private List<String> order(int round) {
    List<String> names = new ArrayList<>(targets.keySet());
    if (round % 2 == 0) {
      java.util.Collections.reverse(names);
    }
    return names;
  }

  /**
   * One run; with {@code --disturbed-above-cores}, a run during which other processes used more CPU than that is
   * recorded as disturbed and made again, up to {@code --attempts} times in all (the last one counts regardless).
   */
  private RunResult run(String target, int rate, Duration length) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      RunResult result = runOnce(target, rate, length);
      if (Double.isNaN(disturbedAboveCores) || !(result.otherCores() > disturbedAboveCores) || attempt >= attempts) {
        return result;
      }
      runsJson.add(result.json("disturbed", 0));
      System.out.println(result.line("disturb."));
    }
  }

  private RunResult runOnce(String target, int rate, Duration length) throws IOException, InterruptedException {
    runCounter++;
    String prefix = "Ev" + Long.toString(System.currentTimeMillis(), 36) + "r" + runCounter + "n";
    if (!Double.isNaN(quietBelowCores)) {
      machine.awaitQuiet(quietBelowCores, quietWaitMaxMillis);
    }
    machine.begin();
    scheduled.merge(target, rate * leadIn.plus(length).toMillis() / 1000, Long::sum);
    RunResult result = OpenLoopRun.run(new OpenLoopRun.Plan(target, targets.get(target), rate, leadIn, length,
        connections, timeout, secret, prefix));
    return result.withOtherCores(machine.otherCores());
  }

  /** Highest passing rate per target: starts from the fixed rounds (a rate passes if its median run passes). */
  private void search() throws IOException, InterruptedException {
    for (String target : targets.keySet()) {
      int best = 0;
      int fail = Integer.MAX_VALUE;
      for (int rate : rates) {
        List<RunResult> runs = runs(target, rate);
        boolean passes = runs.stream().filter(r -> r.passes(p99LimitMs)).count() * 2 > runs.size();
        if (passes && fail == Integer.MAX_VALUE) {
          best = Math.max(best, rate);
        } else if (!passes) {
          fail = Math.min(fail, rate);
        }
      }
      bestRate.put(target, best);
      firstFailRate.put(target, fail);
    }
    int[] steps = new int[targets.size()];
    boolean progress = true;
    while (progress) {
      progress = false;
      int t = 0;
      for (String target : targets.keySet()) {
        int next = nextSearchRate(bestRate.get(target), firstFailRate.get(target));
        if (next > 0 && steps[t] < searchSteps) {
          steps[t]++;
          progress = true;
          RunResult result = run(target, next, searchDuration);
          runsJson.add(result.json("search", 0));
          boolean passes = result.passes(p99LimitMs);
          System.out.println(result.line(passes ? "search+" : "search-"));
          if (passes) {
            bestRate.put(target, next);
          } else {
            firstFailRate.put(target, next);
          }
        }
        t++;
      }
    }
  }

  /** The next rate to try, or 0 when the bracket is tight (within 10%) or the ladder is exhausted. */
  private int nextSearchRate(int best, int fail) {
    if (fail == Integer.MAX_VALUE) {
      return Arrays.stream(searchLadder).filter(r -> r > best).min().orElse(0);
    }
    if (fail - best <= Math.max(50, best / 10)) {
      return 0;
    }
    int mid = (best + fail) / 2;
    return mid / 50 * 50;
  }

  private List<RunResult> runs(String target, int rate) {
    return fixed.stream().map(Phase::result).filter(r -> r.target().equals(target) && r.rate() == rate).toList();
  }

  private String summary() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Fixed rates, %d rounds of %d s each (median [min-max] over rounds):%n",
        rounds, duration.toSeconds()));
    s.append(String.format(Locale.ROOT, "%-10s %6s  %-22s %-26s %-26s %10s %8s %9s %10s%n", "target", "rate",
        "p50 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "achieved", "other CPU"));
    for (int rate : rates) {
      for (String target : targets.keySet()) {
        List<RunResult> runs = runs(target, rate);
        if (runs.isEmpty()) {
          continue;
        }
        s.append(String.format(Locale.ROOT, "%-10s %6d  %-22s %-26s %-26s %10.1f %8d %9.0f %10.2f%n", target, rate,
            spread(runs, RunResult::p50), spread(runs, RunResult::p99), spread(runs, RunResult::p999),
            runs.stream().mapToDouble(RunResult::max).max().orElse(Double.NaN),
            runs.stream().mapToLong(RunResult::errors).sum(), median(runs, RunResult::achieved),
            median(runs, RunResult::otherCores)));
      }
      if (targets.size() == 2) {
        List<String> names = new ArrayList<>(targets.keySet());
        double a = median(runs(names.get(0), rate), RunResult::p99);
        double b = median(runs(names.get(1), rate), RunResult::p99);
        s.append(String.format(Locale.ROOT, "%-10s %6d  p99 %s / %s = %.2f%n", "ratio", rate, names.get(1),
            names.get(0), b / a));
      }
    }
    s.append("Requests scheduled per target, whole run:");
    scheduled.forEach((target, n) -> s.append(String.format(Locale.ROOT, " %s=%d", target, n)));
    s.append(String.format("%n"));
    if (!bestRate.isEmpty()) {
      s.append(String.format(Locale.ROOT, "Highest rate with p99 <= %.0f ms and <= 0.1%% errors:%n", p99LimitMs));
      for (String target : targets.keySet()) {
        int fail = firstFailRate.get(target);
        s.append(String.format(Locale.ROOT, "%-10s %6d/s  (first failing rate tried: %s)%n", target,
            bestRate.get(target), fail == Integer.MAX_VALUE ? "none, ladder exhausted" : fail + "/s"));
      }
    }
    return s.toString();
  }

  private static String spread(List<RunResult> runs, java.util.function.ToDoubleFunction<RunResult> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    return String.format(Locale.ROOT, "%.2f [%.2f-%.2f]", median(v), v[0], v[v.length - 1]);
  }

  static double median(List<RunResult> runs, java.util.function.ToDoubleFunction<RunResult> f) {
    return median(runs.stream().mapToDouble(f).sorted().toArray());
  }

  private static double median(double[] sorted) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private void writeJson() throws IOException {
    StringBuilder json = new StringBuilder("{\n");
    json.append(String.format(Locale.ROOT,
        "  \"driver\": {\"cores\": %d, \"java\": \"%s\", \"connectionsPerTarget\": %d, \"timeoutMs\": %d, "
            + "\"durationS\": %d, \"leadInS\": %d, \"warmupS\": %d, \"warmupRate\": %d, \"rounds\": %d, "
            + "\"searchDurationS\": %d, \"p99LimitMs\": %.1f},\n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), connections,
        timeout.toMillis(), duration.toSeconds(), leadIn.toSeconds(), warmup.toSeconds(), warmupRate, rounds,
        searchDuration.toSeconds(), p99LimitMs));
    json.append("  \"targets\": {");
    json.append(String.join(", ", targets.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"").toList()));
    json.append("},\n  \"scheduledRequests\": {");
    json.append(String.join(", ", scheduled.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\": " + e.getValue()).toList()));
    json.append("},\n  \"highestPassingRate\": {");
    json.append(String.join(", ", bestRate.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\": " + e.getValue()).toList()));
    json.append("},\n  \"runs\": [\n    ");
    json.append(String.join(",\n    ", runsJson));
    json.append("\n  ]\n}\n");
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, json);
    System.out.println("wrote " + out);
  }
}
