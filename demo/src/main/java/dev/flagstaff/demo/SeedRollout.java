package dev.flagstaff.demo;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FlagResolution;
import dev.flagstaff.flags.StateWords;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The seed's rollout of {@code slack_events_app_home_opened}, walked from the files in
 * {@code examples/seed-rollout}: each step applies a file (or deletes the resource), shows what the operator
 * wrote and what the endpoint does with a signed {@code app_home_opened}, and checks it against what the seed
 * expects.
 */
final class SeedRollout {
  static final String KEY = "slack_events_app_home_opened";
  static final String NAME = "slack-events-app-home-opened";

  /** What the endpoint should do with App Home events at a step. */
  enum Publishes {
    NEVER, ALWAYS, SHARE
  }

  record Step(String title, String file, String expectedState, Publishes publishes, double share) {
    boolean deletes() {
      return file == null;
    }
  }

  static final List<Step> STEPS = List.of(
      new Step("Define the flag (off everywhere)", "01-define.yaml", "Disabled", Publishes.NEVER, 0),
      new Step("Enable on dev, staging and staging-ref", "02-enable-non-production.yaml", "Disabled", Publishes.NEVER, 0),
      new Step("Production: 10% of the time", "03-production-10-percent.yaml", "10% of time", Publishes.SHARE, 10),
      new Step("Production: 50% of the time", "04-production-50-percent.yaml", "50% of time", Publishes.SHARE, 50),
      new Step("Enable globally", "05-enable-globally.yaml", "Enabled", Publishes.ALWAYS, 100),
      new Step("Roll back (enabled: false)", "06-rollback.yaml", "Disabled", Publishes.NEVER, 0),
      new Step("Clean up (delete the resource)", null, null, Publishes.NEVER, 0));

  /**
   * Events sent per step with a percentage of time. A count more than five standard deviations from the
   * binomial mean (a chance below one in a million) is a defect, not luck.
   */
  static final int SAMPLE = 400;

  private final EmbeddedFlagstaff flagstaff;
  private final Path examples;
  private final PrintStream out;

  SeedRollout(EmbeddedFlagstaff flagstaff, Path examples, PrintStream out) {
    this.flagstaff = flagstaff;
    this.examples = examples;
    this.out = out;
  }

  /** Walks every step; returns true when each behaved as the seed expects. */
  boolean run() throws IOException {
    SummaryTable summary = new SummaryTable("#", "step", "ConfigMap entry", "status", "App Home published", "result");
    boolean allPassed = true;
    int number = 0;
    for (Step step : STEPS) {
      number++;
      out.printf("%n── Step %d: %s%n", number, step.title());
      List<String> failures = new ArrayList<>();
      String status;
      String entry;
      long writtenAt;
      if (step.deletes()) {
        out.printf("   $ kubectl delete featureflag %s%n", NAME);
        flagstaff.delete(NAME);
        writtenAt = System.nanoTime();
        flagstaff.awaitGone(NAME, Duration.ofSeconds(10));
        entry = flagstaff.configMapEntry(KEY);
        status = "(deleted)";
        if (entry != null) {
          failures.add("the key is still in the ConfigMap");
        }
      } else {
        Path file = examples.resolve(step.file());
        out.printf("   $ kubectl apply -f %s%n", examples.getFileName().resolve(step.file()));
        FeatureFlag applied = Manifests.apply(flagstaff.client(), flagstaff.namespace(), file).get(0);
        writtenAt = System.nanoTime();
        out.printf("   every environment, as its own operator would resolve it: %s%n", everyEnvironment(applied));
        FeatureFlag reconciled = flagstaff.awaitReconciled(NAME, Duration.ofSeconds(10));
        status = describe(reconciled);
        entry = flagstaff.configMapEntry(KEY);
        if (reconciled.getStatus() == null || !step.expectedState().equals(reconciled.getStatus().getState())) {
          failures.add("expected state " + step.expectedState());
        }
        if (!"True".equals(readiness(reconciled))) {
          failures.add("not Ready");
        }
        if (entry == null) {
          failures.add("no key in the ConfigMap");
        }
      }
      out.printf("   ConfigMap %s/%s: %s = %s%n", flagstaff.namespace(), EmbeddedFlagstaff.CONFIGMAP, KEY,
          entry == null ? "(absent)" : entry);
      out.printf("   status: %s%n", status);

      boolean expectOn = step.publishes() == Publishes.ALWAYS;
      if (step.publishes() != Publishes.SHARE) {
        Duration flip = flagstaff.awaitDecision(KEY, expectOn, writtenAt, Duration.ofSeconds(5));
        if (flip == null) {
          failures.add("the endpoint's decision did not become " + (expectOn ? "on" : "off"));
        } else {
          out.printf("   endpoint decision for %s: %s (%d ms after the API write was confirmed)%n", KEY,
              expectOn ? "on" : "off", flip.toMillis());
        }
      }
      int sent = step.publishes() == Publishes.SHARE ? SAMPLE : 3;
      int published = flagstaff.sendAppHomeOpened(sent);
      String publishes = published + "/" + sent;
      out.printf("   sent %d signed app_home_opened events → views.publish called %d times%n", sent, published);
      switch (step.publishes()) {
        case NEVER:
          if (published != 0) failures.add("published while off");
          break;
        case ALWAYS:
          if (published != sent) failures.add("not published every time");
          break;
        default:
          double p = step.share() / 100;
          double mean = SAMPLE * p;
          double spread = 5 * Math.sqrt(SAMPLE * p * (1 - p));
          double low = mean - spread;
          double high = mean + spread;
          publishes += String.format(" (%.0f%%)", 100.0 * published / sent);
          if (published < low || published > high) {
            failures.add(String.format("published %d of %d, expected about %.0f%%", published, sent, step.share()));
          }
      }
      boolean passed = failures.isEmpty();
      allPassed &= passed;
      out.printf("   %s%n", passed ? "✔ as the seed expects" : "✘ " + String.join("; ", failures));
      summary.add(Integer.toString(number), step.title(), entry == null ? "(absent)" : entry, status, publishes,
          passed ? "ok" : "FAILED: " + String.join("; ", failures));
    }
    out.println();
    summary.print(out);
    out.println();
    out.println(allPassed
        ? "Every step behaved as the seed expects."
        : "Some steps did not behave as the seed expects (see FAILED above).");
    return allPassed;
  }

  private static String everyEnvironment(FeatureFlag flag) {
    Map<String, String> states = new TreeMap<>();
    if (flag.getSpec().getEnvironments() != null) {
      flag.getSpec().getEnvironments().keySet()
          .forEach(env -> states.put(env, StateWords.of(FlagResolution.resolve(flag, env))));
    }
    return states.toString();
  }

  static String describe(FeatureFlag flag) {
    if (flag.getStatus() == null) {
      return "(no status)";
    }
    String state = flag.getStatus().getState() == null ? "(unresolved)" : flag.getStatus().getState();
    return String.format("state=%s Ready=%s observedGeneration=%s", state, readiness(flag),
        flag.getStatus().getObservedGeneration());
  }

  static String readiness(FeatureFlag flag) {
    if (flag.getStatus() == null || flag.getStatus().getConditions() == null) {
      return "Unknown";
    }
    return flag.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(c -> c.getStatus())
        .findFirst()
        .orElse("Unknown");
  }
}
