package dev.flagstaff.endpoint;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A running endpoint on loopback with its flags in a directory (a mounted ConfigMap) and a Slack API stub. */
final class EndpointFixture implements AutoCloseable {
  static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  static final String TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";
  static final String FLAG = "slack_events_app_home_opened";
  static final ObjectMapper JSON = new ObjectMapper();
  /** Words of the default feature view, absent from the fallback. */
  static final String FEATURE_WORDS = dev.flagstaff.endpoint.home.HomeView.FEATURE_HEADLINE;
  private static final java.util.concurrent.atomic.AtomicLong EVENTS = new java.util.concurrent.atomic.AtomicLong();

  final SlackApiStub slack;
  final Path flagsDir;
  final SlackEndpoint endpoint;
  final SlackRequests requests;
  private final HttpClient http = HttpClient.newHttpClient();

  private EndpointFixture(SlackApiStub slack, Path flagsDir, SlackEndpoint endpoint) {
    this.slack = slack;
    this.flagsDir = flagsDir;
    this.endpoint = endpoint;
    this.requests = SlackRequests.forPort(SECRET, endpoint.port());
  }

  /** Flags read from a directory; {@code env} overrides the defaults. */
  static EndpointFixture start(Path tempDir, Map<String, String> env) {
    SlackApiStub slack = SlackApiStub.start();
    Path flags = tempDir.resolve("flags");
    try {
      Files.createDirectories(flags);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> config = baseEnv(slack.baseUrl());
    config.put("FLAGSTAFF_FLAGS_FILE", flags.toString());
    config.putAll(env);
    SlackEndpoint endpoint = new SlackEndpoint(new Config(config), null).start();
    await().until(endpoint::ready);
    return new EndpointFixture(slack, flags, endpoint);
  }

  static EndpointFixture startWithClient(KubernetesClient client, Map<String, String> env) {
    SlackApiStub slack = SlackApiStub.start();
    Map<String, String> config = baseEnv(slack.baseUrl());
    config.putAll(env);
    SlackEndpoint endpoint = new SlackEndpoint(new Config(config), client).start();
    await().until(endpoint::ready);
    return new EndpointFixture(slack, null, endpoint);
  }

  /** Creates or replaces the {@code feature-flags} ConfigMap in {@code namespace}; returns its new resourceVersion. */
  static String writeFlags(KubernetesClient client, String namespace, Map<String, String> data) {
    ConfigMap configMap = new ConfigMapBuilder()
        .withNewMetadata().withName("feature-flags").withNamespace(namespace).endMetadata().withData(data).build();
    return client.configMaps().inNamespace(namespace).resource(configMap).createOr(existing -> existing.update())
        .getMetadata().getResourceVersion();
  }

  static Map<String, String> baseEnv(String slackApiUrl) {
    Map<String, String> config = new HashMap<>();
    config.put("SLACK_SIGNING_SECRET", SECRET);
    config.put("SLACK_BOT_TOKEN", TOKEN);
    config.put("SLACK_API_URL", slackApiUrl);
    config.put("FLAGSTAFF_BIND_ADDRESS", "127.0.0.1");
    config.put("FLAGSTAFF_PORT", "0");
    config.put("FLAGSTAFF_MANAGEMENT_PORT", "0");
    return config;
  }

  /** Writes one key of the mounted ConfigMap and waits until the endpoint has read it. */
  void flag(String key, String value) {
    try {
      Files.writeString(flagsDir.resolve(key), value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String expected = dev.flagstaff.flags.FlagCodec.encode(dev.flagstaff.flags.FlagCodec.decode(value));
    await().until(() -> expected.equals(flagValue(key)));
  }

  private String flagValue(String key) {
    JsonNode flag = management("/flags").path("flags").path(key).path("value");
    return flag.isMissingNode() ? null : flag.toString();
  }

  JsonNode management(String pathAndQuery) {
    HttpResponse<String> response = get(pathAndQuery);
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  HttpResponse<String> get(String pathAndQuery) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.managementPort() + pathAndQuery))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Each of {@code users} opens the Home tab (a signed {@code app_home_opened}) and the worker finishes with every
   * one: the decision is made and any {@code views.publish} it called has been answered, so {@link #tab} shows its
   * result. Keep {@code users} within FLAGSTAFF_QUEUE_CAPACITY, or some events are dropped and this times out.
   */
  void openHome(String... users) {
    double done = finished();
    java.util.Arrays.stream(users).parallel().forEach(user -> {
      HttpResponse<String> response = requests.send(SlackRequests.appHomeOpened("Ev" + EVENTS.incrementAndGet(), "T1",
          user, "home", null));
      if (response.statusCode() != 200) {
        throw new AssertionError("the endpoint answered " + response.statusCode() + ": " + response.body());
      }
    });
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(60))
        .until(() -> finished() >= done + users.length);
  }

  /**
   * Events the worker has finished: decided without a publish, or published with a final result (a retried
   * attempt is not final).
   */
  double finished() {
    double handled = endpoint.registry().find("flagstaff.app.home").counters().stream()
        .filter(c -> !"publish".equals(c.getId().getTag("outcome")) && !"fallback".equals(c.getId().getTag("outcome")))
        .mapToDouble(Counter::count).sum();
    double published = endpoint.registry().find("flagstaff.slack.views.publish").counters().stream()
        .filter(c -> !"retried".equals(c.getId().getTag("result")))
        .mapToDouble(Counter::count).sum();
    return handled + published;
  }

  /** What {@code user}'s Home tab shows at the Slack stub; {@code null} when nothing was published to them. */
  SlackApiStub.HomeTab tab(String user) {
    return slack.homeTab(user);
  }

  /** A counter's value, 0 when it does not exist yet. */
  double count(String name, String... tags) {
    Counter counter = endpoint.registry().find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Override
  public void close() {
    endpoint.close();
    slack.close();
  }
}
