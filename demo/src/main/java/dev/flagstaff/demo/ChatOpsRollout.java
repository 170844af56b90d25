package dev.flagstaff.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.testkit.SeedLines;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./flagstaff demo --chatops}: the seed's rollout driven by its own ChatOps lines, each sent verbatim as a
 * signed {@code /flagstaff} slash command to the endpoint (as a user in the #production channel the policy names),
 * showing the acknowledgement, the reply Slack would post once the operator reports the change Ready and
 * Propagated, the ConfigMap entry, and what a cohort of users' Home tabs show. One line the consistency check
 * refuses comes first, to show a refusal.
 */
final class ChatOpsRollout {
  static final String USER = "U0DEMO";
  static final String PRODUCTION_CHANNEL = "C0PRODUCTION";
  static final String POLICY = """
      environments:
        production: {users: [U0DEMO], channels: [C0PRODUCTION]}
      "*": {users: [U0DEMO]}
      """;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REPLY = Duration.ofSeconds(90);
  private static final List<String> COHORT = SeedRollout.USERS.subList(0, 100);

  /** A line, what the reply must be, and the production entry the ConfigMap must then hold (null: absent). */
  record Step(String line, boolean refused, String entryPrefix) {}

  static final List<Step> STEPS = steps();

  private static List<Step> steps() {
    List<Step> steps = new ArrayList<>();
    steps.add(new Step("set " + SeedRollout.KEY + " true", true, "{\"enabled\":false,"));
    List<String> entries = List.of("{\"enabled\":false,", "{\"enabled\":true,\"percentage\":10,\"strategy\":\"random\",",
        "{\"enabled\":true,\"percentage\":50,\"strategy\":\"random\",", "{\"enabled\":true,", "{\"enabled\":false,");
    for (int i = 0; i < SeedLines.STEPS.size(); i++) {
      steps.add(new Step(SeedLines.STEPS.get(i).line(), false, i < entries.size() ? entries.get(i) : null));
    }
    return List.copyOf(steps);
  }

  private final EmbeddedFlagstaff flagstaff;
  private final Path examples;
  private final PrintStream out;
  private final AtomicInteger ids = new AtomicInteger();

  ChatOpsRollout(EmbeddedFlagstaff flagstaff, Path examples, PrintStream out) {
    this.flagstaff = flagstaff;
    this.examples = examples;
    this.out = out;
  }

  static Path policyFile() {
    try {
      Path file = Files.createTempFile("flagstaff-chatops-policy", ".yaml");
      file.toFile().deleteOnExit();
      return Files.writeString(file, POLICY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean run() throws IOException {
    SlackRequests commands = new SlackRequests(flagstaff.signingSecret(),
        URI.create("http://127.0.0.1:" + flagstaff.endpointPort() + SlackRequests.COMMANDS_PATH));
    out.printf("Slash command            POST %s  (/flagstaff; policy: %s may change every environment, "
        + "production only from <#%s>)%n", commands.endpoint(), USER, PRODUCTION_CHANNEL);
    out.printf("%n── $ kubectl apply -f %s%n", examples.getFileName().resolve("01-define.yaml"));
    Manifests.apply(flagstaff.client(), flagstaff.namespace(), examples.resolve("01-define.yaml"));
    flagstaff.awaitReconciled(SeedRollout.NAME, Duration.ofSeconds(30));
    SummaryTable summary = new SummaryTable("#", "slash command", "reply", "ConfigMap entry", "Home tabs", "result");
    boolean allPassed = true;
    int number = 0;
    for (Step step : STEPS) {
      number++;
      List<String> failures = new ArrayList<>();
      out.printf("%n── %d. #production  @demo: /flagstaff %s%n", number, step.line());
      String url = flagstaff.slack().responseUrl("demo-" + ids.incrementAndGet());
      HttpResponse<String> ack = commands.sendForm(SlackRequests.slashCommand("/flagstaff", step.line(), "T0DEMO",
          USER, "demo", PRODUCTION_CHANNEL, "production", url));
      out.printf("   HTTP %d, only you see: %s%n", ack.statusCode(), read(ack.body()).path("text").asText());
      JsonNode reply = awaitReply(flagstaff.slack(), url);
      String kind = reply == null ? "none" : reply.path("response_type").asText();
      if (reply == null) {
        failures.add("no reply within " + REPLY.toSeconds() + "s");
      } else {
        out.printf("   %s:%n%s%n", kind.equals("in_channel") ? "posted in the channel" : "only you see",
            reply.path("text").asText().indent(6).stripTrailing());
      }
      if (!kind.equals(step.refused() ? "ephemeral" : "in_channel")) {
        failures.add("expected " + (step.refused() ? "a refusal" : "a reply in the channel"));
      }
      String entry = flagstaff.configMapEntry(SeedRollout.KEY);
      out.printf("   ConfigMap %s/%s: %s = %s%n", flagstaff.namespace(), EmbeddedFlagstaff.CONFIGMAP, SeedRollout.KEY,
          entry == null ? "(absent)" : entry);
      if (step.entryPrefix() == null ? entry != null : entry == null || !entry.startsWith(step.entryPrefix())) {
        failures.add("expected the entry " + (step.entryPrefix() == null ? "(absent)" : step.entryPrefix() + "..."));
      }
      String tabs = homeTabs(step, failures);
      boolean passed = failures.isEmpty();
      allPassed &= passed;
      out.printf("   %s%n", passed ? "✔ as the seed expects" : "✘ " + String.join("; ", failures));
      summary.add(Integer.toString(number), "/flagstaff " + step.line(), step.refused() ? "refused" : kind,
          entry == null ? "(absent)" : entry, tabs, passed ? "ok" : "FAILED: " + String.join("; ", failures));
    }
    long crossPosts = flagstaff.slack().calls("chat.postMessage").size();
    out.printf("%nCross-posted to the owners' channel (#g_ecosystem_integrations): %d messages%n", crossPosts);
    out.println();
    summary.print(out);
    out.println();
    out.println(allPassed ? "Every ChatOps line behaved as the seed expects."
        : "Some ChatOps lines did not behave as the seed expects (see FAILED above).");
    return allPassed;
  }

  /** The cohort opens the Home tab once; what their tabs show, checked where the flag is fully on or off. */
  private String homeTabs(Step step, List<String> failures) {
    flagstaff.openHome(COHORT);
    long showing = COHORT.stream().filter(flagstaff::showsFeature).count();
    out.printf("   %d users open the Home tab → %d/%d show the feature%n", COHORT.size(), showing, COHORT.size());
    String entry = step.entryPrefix();
    boolean fullyOn = "{\"enabled\":true,".equals(entry);
    boolean off = entry == null || entry.startsWith("{\"enabled\":false");
    if (fullyOn && showing != COHORT.size() || off && showing != 0) {
      failures.add(showing + "/" + COHORT.size() + " Home tabs show the feature");
    }
    return showing + "/" + COHORT.size();
  }

  private static JsonNode awaitReply(SlackApiStub slack, String url) {
    long deadline = System.nanoTime() + REPLY.toNanos();
    while (System.nanoTime() < deadline) {
      List<SlackApiStub.Call> posts = slack.hookPosts(url);
      if (!posts.isEmpty()) {
        return read(posts.get(0).body());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      return JSON.createObjectNode().put("text", json);
    }
  }
}
