package dev.flagstaff.chatops.kubectl;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A client for the kubeconfig and context kubectl would use. */
final class KubeClients {
  private KubeClients() {}

  static KubernetesClient connect(Path kubeconfig, String context) {
    Config config;
    if (kubeconfig != null) {
      try {
        config = Config.fromKubeconfig(context, Files.readString(kubeconfig), kubeconfig.toString());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the kubeconfig " + kubeconfig, e);
      }
    } else {
      config = Config.autoConfigure(context);
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
