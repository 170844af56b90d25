package dev.flagstaff.endpoint.flags;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the one flags ConfigMap through the Kubernetes API: an informer on that name only (a field selector), so
 * RBAC can grant get/list/watch on just that resourceName, and a write applies as soon as the watch event arrives.
 * A start-up that cannot reach the API keeps retrying (the pod stays unready) rather than exiting.
 */
public final class ConfigMapFlagsSource implements FlagsSource {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigMapFlagsSource.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final FlagsStore store;
  private SharedIndexInformer<ConfigMap> informer;

  public ConfigMapFlagsSource(KubernetesClient client, String namespace, String name, FlagsStore store) {
    this.client = client;
    this.namespace = namespace == null ? client.getNamespace() : namespace;
    this.name = name;
    this.store = store;
    if (this.namespace == null) {
      throw new dev.flagstaff.runtime.ConfigException(
          "FLAGSTAFF_NAMESPACE is required: the namespace of the flags ConfigMap (no default namespace is configured)");
    }
  }

  @Override
  public void start() {
    informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
    informer.exceptionHandler((started, error) -> {
      LOG.warn("watching configmap {}/{} failed, retrying: {}", namespace, name, error.toString());
      return true;
    });
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(ConfigMap configMap) {
        apply(configMap);
      }

      @Override
      public void onUpdate(ConfigMap before, ConfigMap after) {
        apply(after);
      }

      @Override
      public void onDelete(ConfigMap configMap, boolean finalStateUnknown) {
        store.missing("configmap " + namespace + "/" + name + " was deleted");
      }
    });
    informer.start().whenComplete((done, error) -> {
      if (error != null) {
        LOG.warn("watching configmap {}/{} did not start: {}", namespace, name, error.toString());
      } else if (informer.getStore().list().isEmpty()) {
        store.missing("configmap " + namespace + "/" + name + " not found");
      }
    });
  }

  private void apply(ConfigMap configMap) {
    Map<String, String> data = configMap.getData() == null ? Map.of() : configMap.getData();
    store.update(data, configMap.getMetadata().getResourceVersion());
  }

  @Override
  public String describe() {
    return "configmap " + namespace + "/" + name;
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
