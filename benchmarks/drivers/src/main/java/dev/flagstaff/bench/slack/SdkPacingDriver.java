package dev.flagstaff.bench.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.AsyncMethodsClient;
import com.slack.api.methods.MethodsConfig;
import dev.flagstaff.testkit.SlackApiStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How the Slack SDK's own rate limiter ({@code AsyncMethodsClient}, 1.51.0) paces a burst of {@code chat.postMessage}
 * to one channel, and what it does with a 429, measured against {@link SlackApiStub}. Prints the gaps between the
 * calls the stub received, the observed rate, how many messages were lost or posted twice, and the wait after a 429.
 *
 * <p>Run: {@code java -cp benchmarks/drivers/target/flagstaff-benchmarks-drivers-*.jar
 * dev.flagstaff.bench.slack.SdkPacingDriver [messages]} (default 20; 100 take about 70 s).
 */
public final class SdkPacingDriver {
  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    try (SlackApiStub stub = SlackApiStub.start()) {
      burst(stub, messages);
      stub.reset();
      rateLimited(stub);
    }
    System.exit(0);
  }

  private static AsyncMethodsClient client(SlackApiStub stub, String executor) {
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(stub.baseUrl());
    MethodsConfig methods = new MethodsConfig();
    methods.setExecutorName(executor);
    config.setMethodsConfig(methods);
    return Slack.getInstance(config).methodsAsync("xoxb-bench");
  }

  private static void burst(SlackApiStub stub, int messages) throws Exception {
    AsyncMethodsClient client = client(stub, "bench-burst");
    long start = System.nanoTime();
    List<CompletableFuture<?>> sent = new ArrayList<>();
    int failed = 0;
    for (int i = 0; i < messages; i++) {
      String text = "announcement " + i;
      sent.add(client.chatPostMessage(r -> r.channel("C1").text(text)));
    }
    for (CompletableFuture<?> f : sent) {
      try {
        f.get(5, TimeUnit.MINUTES);
      } catch (Exception e) {
        failed++;
      }
    }
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    var calls = stub.calls("chat.postMessage");
    Set<String> texts = new HashSet<>();
    StringBuilder gaps = new StringBuilder();
    for (int i = 0; i < calls.size(); i++) {
      texts.add(calls.get(i).field("text"));
      if (i > 0) {
        gaps.append(Duration.between(calls.get(i - 1).receivedAt(), calls.get(i).receivedAt()).toMillis()).append(' ');
      }
    }
    long firstSecond = calls.stream()
        .filter(c -> Duration.between(calls.get(0).receivedAt(), c.receivedAt()).toMillis() < 1000).count();
    System.out.printf("SDK burst: %d messages to one channel in %d ms; %d calls, %d distinct, %d failed futures%n",
        messages, tookMillis, calls.size(), texts.size(), failed);
    System.out.printf("  calls in the first second: %d; observed rate %.2f/s; gaps ms: %s%n", firstSecond,
        calls.size() > 1 ? (calls.size() - 1) * 1000.0
            / Duration.between(calls.get(0).receivedAt(), calls.get(calls.size() - 1).receivedAt()).toMillis() : 0,
        gaps.toString().trim());
  }

  private static void rateLimited(SlackApiStub stub) throws Exception {
    AsyncMethodsClient client = client(stub, "bench-429");
    stub.script("chat.postMessage", SlackApiStub.rateLimited(2), SlackApiStub.ok());
    String outcome;
    try {
      outcome = client.chatPostMessage(r -> r.channel("C2").text("after 429")).get(1, TimeUnit.MINUTES).isOk()
          ? "ok" : "ok:false";
    } catch (Exception e) {
      outcome = e.getClass().getSimpleName();
    }
    var calls = stub.calls("chat.postMessage");
    System.out.printf("SDK 429 Retry-After: 2 -> %d calls, outcome %s, wait before the retry %s ms%n", calls.size(),
        outcome, calls.size() > 1 ? Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()).toMillis()
            : "-");
  }
}
