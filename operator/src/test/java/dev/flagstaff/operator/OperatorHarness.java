package dev.flagstaff.operator;

import dev.flagstaff.operator.status.Conditions;
import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.flags.Strategy;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.testkit.FeatureFlags;
import dev.flagstaff.testkit.Edits;
import dev.flagstaff.testkit.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import org.awaitility.Awaitility;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A mock API server plus a running operator for production, and the look-ups a user would make. */
final class OperatorHarness implements AutoCloseable {
  static final String NAMESPACE = "flags";
  static final String ENVIRONMENT = "production";
  static final String CONFIGMAP = "feature-flags";

  static {
    Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
    Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
  }

  final KubernetesTestServer server;
  final KubernetesClient client;
  private final HttpClient http = HttpClient.newHttpClient();
  private FlagstaffOperator operator;

  OperatorHarness(String... namespaces) {
    server = KubernetesTestServer.start(namespaces.length == 0 ? new String[] {NAMESPACE} : namespaces);
    client = server.client();
  }

  static Map<String, String> defaultEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("FLAGSTAFF_ENVIRONMENT", ENVIRONMENT);
    env.put("POD_NAMESPACE", NAMESPACE);
    env.put("FLAGSTAFF_MANAGEMENT_PORT", "0");
    return env;
  }

  OperatorHarness startOperator() {
    return startOperator(defaultEnv());
  }

  OperatorHarness startOperator(Map<String, String> env) {
    operator = newOperator(env);
    operator.start();
    return this;
  }

  FlagstaffOperator newOperator(Map<String, String> env) {
    return new FlagstaffOperator(new Config(env), server.newClient());
  }

  /** An operator on {@code clock}: a test moves the clock, then calls {@code operator().wake()}. */
  OperatorHarness startOperator(Map<String, String> env, java.time.Clock clock) {
    operator = new FlagstaffOperator(new Config(env), server.newClient(), clock);
    operator.start();
    return this;
  }

  FlagstaffOperator operator() {
    return operator;
  }

  void stopOperator() {
    operator.close();
    operator = null;
  }

  // --- FeatureFlags -------------------------------------------------------------------------------------------

  /** {@link FeatureFlags#flag} in {@link #NAMESPACE}. */
  static FeatureFlag flag(String name, String key, Map<String, EnvironmentState> environments) {
    FeatureFlag flag = FeatureFlags.flag(name, key, environments);
    flag.getMetadata().setNamespace(NAMESPACE);
    return flag;
  }

  static EnvironmentState on() {
    return FeatureFlags.on();
  }

  static EnvironmentState off() {
    return FeatureFlags.off();
  }

  static EnvironmentState percent(double percentage, Strategy strategy) {
    return FeatureFlags.percent(percentage, strategy);
  }

  FeatureFlag create(FeatureFlag flag) {
    return flags(flag.getMetadata().getNamespace()).resource(flag).create();
  }

  FeatureFlag edit(String namespace, String name, UnaryOperator<FeatureFlag> change) {
    return Edits.edit(flags(namespace).withName(name), change);
  }

  void delete(String namespace, String name) {
    flags(namespace).withName(name).delete();
  }

  Resource<FeatureFlag> flag(String namespace, String name) {
    return flags(namespace).withName(name);
  }

  FeatureFlag get(String namespace, String name) {
    return flags(namespace).withName(name).get();
  }

  private NonNamespaceOperation<FeatureFlag, KubernetesResourceList<FeatureFlag>, Resource<FeatureFlag>> flags(
      String namespace) {
    return client.resources(FeatureFlag.class).inNamespace(namespace);
  }

  Optional<Condition> condition(String namespace, String name, String type) {
    FeatureFlag flag = get(namespace, name);
    if (flag == null || flag.getStatus() == null) {
      return Optional.empty();
    }
    return Conditions.find(flag.getStatus().getConditions(), type);
  }

  // --- ConfigMap and Events -----------------------------------------------------------------------------------

  Map<String, String> data(String namespace) {
    ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(CONFIGMAP).get();
    return configMap == null || configMap.getData() == null ? Map.of() : configMap.getData();
  }

  /** Keys a real API server would show: the mock keeps keys set to null by a merge patch. */
  Map<String, String> liveData(String namespace) {
    return data(namespace).entrySet().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  List<Event> events(String namespace, String flagName) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> flagName.equals(e.getInvolvedObject().getName()))
        .collect(Collectors.toList());
  }

  List<String> eventLines(String namespace, String flagName, String reason) {
    return events(namespace, flagName).stream().filter(e -> reason.equals(e.getReason()))
        .map(e -> e.getType() + " " + e.getReason() + " " + e.getMessage())
        .collect(Collectors.toList());
  }

  // --- management port ----------------------------------------------------------------------------------------

  HttpResponse<String> management(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.managementPort() + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The value of one sample of /metrics, e.g. {@code flagstaff_reconciles_total{outcome="applied"}}; -1 if absent. */
  double metric(String sample) {
    String body = management("/metrics").body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " ([0-9.eE+-]+)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.close();
    }
    server.close();
  }
}
