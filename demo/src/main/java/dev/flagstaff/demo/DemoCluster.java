package dev.flagstaff.demo;

import dev.flagstaff.testkit.KubernetesTestServer;
import dev.flagstaff.testkit.kube.KubeBinaries;
import dev.flagstaff.testkit.kube.RealApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Optional;

/** The Kubernetes API the demo and the playground run on: the embedded mock, or a real API server on loopback. */
interface DemoCluster extends AutoCloseable {
  KubernetesClient client();

  /** A client for a component that closes its own. */
  KubernetesClient newClient();

  /** One line saying which API server this is. */
  String describe();

  /** A kubeconfig whose context's namespace is the demo's; empty for the mock, which kubectl cannot talk to. */
  Optional<Path> kubeconfig();

  /** The kubectl beside the real API server's binaries. */
  default Optional<Path> kubectl() {
    return Optional.empty();
  }

  @Override
  void close();

  /** Fabric8's mock server in CRUD mode. */
  static DemoCluster mock(String namespace) {
    KubernetesTestServer server = KubernetesTestServer.start(namespace);
    return new DemoCluster() {
      public KubernetesClient client() {
        return server.client();
      }

      public KubernetesClient newClient() {
        return server.newClient();
      }

      public String describe() {
        return server.url() + " (Fabric8 mock API server, CRUD mode: no schema, CEL or RBAC; FeatureFlag CRD installed)";
      }

      public Optional<Path> kubeconfig() {
        return Optional.empty();
      }

      public void close() {
        server.close();
      }
    };
  }

  /** A real kube-apiserver + etcd on loopback, from the binaries {@link KubeBinaries} finds. */
  static DemoCluster real(String namespace) {
    KubeBinaries binaries = KubeBinaries.find().orElseThrow(() -> new IllegalStateException(
        "no kube-apiserver, etcd and kubectl found: " + KubeBinaries.HOW_TO_ENABLE));
    RealApiServer server = RealApiServer.start(binaries, namespace);
    Path kubeconfig = server.kubeconfig(namespace);
    return new DemoCluster() {
      public KubernetesClient client() {
        return server.client();
      }

      public KubernetesClient newClient() {
        return server.newClient();
      }

      public String describe() {
        return server.url() + " (real kube-apiserver " + binaries.folder().getFileName().toString()
            .replace("-linux-amd64", "") + " + etcd on loopback, RBAC on; FeatureFlag CRD installed)";
      }

      public Optional<Path> kubeconfig() {
        return Optional.of(kubeconfig);
      }

      public Optional<Path> kubectl() {
        return Optional.of(binaries.kubectl());
      }

      public void close() {
        server.close();
      }
    };
  }
}
