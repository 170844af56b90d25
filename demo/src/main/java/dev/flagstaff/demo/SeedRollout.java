package dev.flagstaff.demo;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FlagResolution;
import dev.flagstaff.flags.StateWords;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The seed's rollout of {@code slack_events_app_home_opened}, walked from the files in
 * {@code examples/seed-rollout}: each step applies a file (or deletes the resource), shows what the operator
 * wrote, lets a cohort of Slack users open the App Home (signed {@code app_home_opened} events), and checks what
 * their Home tabs show at the Slack stub against what the seed expects. A Home tab keeps the last view published to
 * it, so this is what users see, not how many calls were made.
 */
final class SeedRollout {
  static final String KEY = "slack_events_app_home_opened";
  static final String NAME = "slack-events-app-home-opened";

  /** What every user's Home tab should show after a step. */
  enum Tabs {
    FALLBACK, FEATURE, SHARE
  }

  /** @param rollsBack time the rollback: from the API write until U1's Home tab shows the fallback */
  record Step(String title, String file, String expectedState, Tabs tabs, double share, boolean rollsBack) {
    Step(String title, String file, String expectedState, Tabs tabs, double share) {
      this(title, file, expectedState, tabs, share, false);
    }

    boolean deletes() {
      return file == null;
    }
  }

  static final List<Step> STEPS = List.of(
      new Step("Define the flag (off everywhere)", "01-define.yaml", "Disabled", Tabs.FALLBACK, 0),
      new Step("Enable on dev, staging and staging-ref", "02-enable-non-production.yaml", "Disabled", Tabs.FALLBACK, 0),
      new Step("Production: 10% of the time", "03-production-10-percent.yaml", "10% of time", Tabs.SHARE, 10),
      new Step("Production: 50% of the time", "04-production-50-percent.yaml", "50% of time", Tabs.SHARE, 50),
      new Step("Enable globally", "05-enable-globally.yaml", "Enabled", Tabs.FEATURE, 100),
      new Step("Roll back (enabled: false)", "06-rollback.yaml", "Disabled", Tabs.FALLBACK, 0, true),
      new Step("Enable again", "05-enable-globally.yaml", "Enabled", Tabs.FEATURE, 100),
      new Step("Clean up (delete the resource)", null, null, Tabs.FALLBACK, 0));

  /** The Slack users who open the Home tab at every step; U1 is the one the rollback is timed for. */
  static final List<String> USERS = IntStream.rangeClosed(1, 200).mapToObj(i -> "U" + i).toList();
  /**
   * Visits per user at a percentage of time: each visit decides afresh, so after the last one the share of tabs
   * showing the feature is the percentage (a count more than five standard deviations from the binomial mean, a
   * chance below one in a million, is a defect, not luck), not the share of users ever shown it (1 - 0.9^4 = 34%
   * at 10%).
   */
  static final int VISITS = 4;

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
    SummaryTable summary = new SummaryTable("#", "step", "ConfigMap entry", "status",
        "users whose Home tab shows the feature", "result");
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

      String rollback = "";
      if (step.rollsBack()) {
        Duration reached = untilU1SeesTheFallback(writtenAt);
        if (reached == null) {
          failures.add("U1's Home tab still shows the feature");
        } else {
          rollback = String.format("; U1's tab showed the fallback %d ms after the API write", reached.toMillis());
          out.printf("   U1 opens the Home tab until it shows the fallback: %d ms after the API write was confirmed%n",
              reached.toMillis());
        }
      } else if (step.tabs() != Tabs.SHARE) {
        boolean expectOn = step.tabs() == Tabs.FEATURE;
        Duration flip = flagstaff.awaitDecision(KEY, expectOn, writtenAt, Duration.ofSeconds(5));
        if (flip == null) {
          failures.add("the endpoint's decision did not become " + (expectOn ? "on" : "off"));
        } else {
          out.printf("   endpoint decision for %s: %s (%d ms after the API write was confirmed)%n", KEY,
              expectOn ? "on" : "off", flip.toMillis());
        }
      }
      String tabs = visitAndCount(step, failures) + rollback;
      boolean passed = failures.isEmpty();
      allPassed &= passed;
      out.printf("   %s%n", passed ? "✔ as the seed expects" : "✘ " + String.join("; ", failures));
      summary.add(Integer.toString(number), step.title(), entry == null ? "(absent)" : entry, status, tabs,
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

  /**
   * Every user opens the Home tab (VISITS times each at a percentage); returns the summary cell, e.g.
   * {@code 21/200 (10%)}, after adding what differs from the seed's expectation to {@code failures}.
   */
  private String visitAndCount(Step step, List<String> failures) {
    int visits = step.tabs() == Tabs.SHARE ? VISITS : 1;
    Set<String> everShown = new HashSet<>();
    for (int visit = 0; visit < visits; visit++) {
      flagstaff.openHome(USERS);
      USERS.stream().filter(flagstaff::showsFeature).forEach(everShown::add);
    }
    long showing = USERS.stream().filter(flagstaff::showsFeature).count();
    long fallback = USERS.stream().filter(flagstaff::showsFallback).count();
    int n = USERS.size();
    out.printf("   %d users opened the Home tab %s (%d signed app_home_opened events) → %d/%d Home tabs show the "
        + "feature%s%n", n, visits == 1 ? "once" : visits + " times each", n * visits, showing, n,
        visits == 1 ? "" : String.format(" after the last visit (%d were shown it at least once)", everShown.size()));
    out.printf("   U1's Home tab: %s%n", flagstaff.showsFeature("U1") ? "the feature view"
        : flagstaff.showsFallback("U1") ? "the fallback view" : "something else");
    String cell = showing + "/" + n;
    switch (step.tabs()) {
      case FALLBACK:
        if (showing != 0) failures.add(showing + " Home tabs still show the feature");
        if (fallback != n) failures.add((n - fallback) + " Home tabs do not show the fallback");
        break;
      case FEATURE:
        if (showing != n) failures.add((n - showing) + " Home tabs do not show the feature");
        break;
      default:
        double p = step.share() / 100;
        double mean = n * p;
        double spread = 5 * Math.sqrt(n * p * (1 - p));
        cell += String.format(" (%.0f%%)", 100.0 * showing / n);
        if (showing < mean - spread || showing > mean + spread) {
          failures.add(String.format("%d of %d Home tabs show the feature, expected about %.0f%%", showing, n,
              step.share()));
        }
    }
    return cell;
  }

  /** U1 opens the Home tab again and again; the time from the API write until the tab shows the fallback. */
  private Duration untilU1SeesTheFallback(long writtenAt) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      flagstaff.openHome(List.of("U1"));
      if (flagstaff.showsFallback("U1")) {
        return Duration.ofNanos(System.nanoTime() - writtenAt);
      }
    }
    return null;
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
