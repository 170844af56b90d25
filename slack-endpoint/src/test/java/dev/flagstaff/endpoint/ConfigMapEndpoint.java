package dev.flagstaff.endpoint;

import dev.flagstaff.testkit.KubernetesTestServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Fabric8 mock API server with namespace {@value #NS}, started before each test, and an endpoint that reads
 * its flags from the {@code feature-flags} ConfigMap there; both closed after the test:
 * {@code @RegisterExtension final ConfigMapEndpoint mock = new ConfigMapEndpoint();}.
 */
final class ConfigMapEndpoint implements BeforeEachCallback, AfterEachCallback {
  static final String NS = "flags";

  private KubernetesTestServer kubernetes;
  private EndpointFixture endpoint;

  @Override
  public void beforeEach(ExtensionContext context) {
    kubernetes = KubernetesTestServer.start(NS);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    stopEndpoint();
    kubernetes.close();
  }

  KubernetesClient client() {
    return kubernetes.client();
  }

  /** Creates or replaces the {@code feature-flags} ConfigMap in {@value #NS}; returns its new resourceVersion. */
  String writeFlags(Map<String, String> data) {
    return EndpointFixture.writeFlags(client(), NS, data);
  }

  /** Starts the endpoint watching {@value #NS}, once it is ready; {@code env} overrides the defaults. */
  EndpointFixture startEndpoint(Map<String, String> env) {
    Map<String, String> config = new HashMap<>();
    config.put("FLAGSTAFF_NAMESPACE", NS);
    config.putAll(env);
    endpoint = EndpointFixture.startWithClient(client(), config);
    return endpoint;
  }

  /** Stops the endpoint as a pod's clean shutdown would; nothing if none runs. */
  void stopEndpoint() {
    if (endpoint != null) {
      endpoint.close();
      endpoint = null;
    }
  }
}
