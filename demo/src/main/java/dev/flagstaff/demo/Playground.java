package dev.flagstaff.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./flagstaff up}: a real kube-apiserver + etcd on loopback with the CRD installed, the operator for one
 * environment, the Slack endpoint and the Slack Web API stub, kept running for a user's own kubectl until Ctrl-C,
 * which stops every process it started and frees every port.
 */
final class Playground {
  private Playground() {}

  static void run(String environment, PrintStream out) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    EmbeddedFlagstaff flagstaff = EmbeddedFlagstaff.start(environment, true, out);
    Thread shutdown = new Thread(() -> {
      out.println();
      out.println("flagstaff up: stopping (operator, endpoint, kube-apiserver, etcd)...");
      flagstaff.close();
      out.println("flagstaff up: stopped");
      stopped.countDown();
    }, "flagstaff-up-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    Path kubeconfig = flagstaff.kubeconfig().orElseThrow();
    out.println();
    out.println("Ready. In another terminal:");
    out.println();
    out.println("  export KUBECONFIG=" + kubeconfig);
    out.println("  kubectl apply -f examples/seed-rollout/03-production-10-percent.yaml");
    out.println("  kubectl get ff");
    out.println("  kubectl describe ff slack-events-app-home-opened");
    out.println("  kubectl wait --for=condition=Propagated ff/slack-events-app-home-opened");
    out.println("  kubectl explain featureflag.spec");
    out.println("  curl -s http://127.0.0.1:" + flagstaff.endpointManagementPort() + "/flags");
    out.println();
    out.println("kubectl: " + flagstaff.kubectlHint());
    out.println("Press Ctrl-C to stop everything.");
    out.flush();
    stopped.await();
  }
}
