package dev.flagstaff.kube;

import static dev.flagstaff.testkit.FeatureFlags.flag;
import static dev.flagstaff.testkit.FeatureFlags.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.operator.FeatureFlagReconciler;
import dev.flagstaff.testkit.JarProcess;
import dev.flagstaff.testkit.kube.AuditLog;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RealKubernetes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chart's MutatingAdmissionPolicy: the API server puts the operator's finalizer on each new FeatureFlag in the
 * namespaces the release watches, so the operator reconciles a new flag without patching it first, and a deleted
 * flag still waits until its key is out of the ConfigMap.
 */
@RealKubernetes
class FinalizerPolicyIT {
  private static final int FLAGS = 20;

  @RegisterExtension
  final ChartRelease.Installs chart = new ChartRelease.Installs();

  @Test
  void newFlagsCarryTheFinalizerFromTheApiServerAndTheOperatorNeverPatchesOneToAddIt(RealApiServer server)
      throws Exception {
    String namespace = server.freshNamespace("finalizer");
    String elsewhere = server.freshNamespace("finalizer-elsewhere");
    ChartRelease release = chart.install(server, namespace);
    Flags flags = new Flags(server.client(), namespace);

    // The API server loads a new policy within moments; a dry run shows when it applies, writing nothing.
    await("the finalizer policy to take effect").atMost(Duration.ofSeconds(30)).until(() ->
        finalizers(server.client().resources(FeatureFlag.class).inNamespace(namespace)
            .resource(named(flag("probe", "probe", Map.of("production", on())), namespace)).dryRun().create())
            .contains(FeatureFlagReconciler.FINALIZER));

    // No operator runs yet: what kubectl gets back already holds the finalizer.
    for (int i = 0; i < FLAGS; i++) {
      FeatureFlag created = flags.apply(flag("flag-" + i, "flag_" + i, Map.of("production", on())));
      assertThat(finalizers(created)).as("flag-%d as created", i).containsExactly(FeatureFlagReconciler.FINALIZER);
    }
    FeatureFlag outside = new Flags(server.client(), elsewhere).apply(flag("other", "other", Map.of("production",
        on())));
    assertThat(finalizers(outside)).as("a flag in a namespace this release does not watch").isEmpty();

    int management = JarProcess.freePort();
    release.startOperator("flagstaff-operator-6f7c-finlz", management);
    await("every flag Ready and in the ConfigMap").atMost(Duration.ofSeconds(60)).until(() ->
        flags.data().size() == FLAGS && IntStream.range(0, FLAGS).allMatch(i -> flags.is("flag-" + i, "Ready",
            "True")));

    AuditLog calls = server.auditLog().by(release.user("operator"))
        .filter(e -> e.resource().startsWith("flagstaff.dev/featureflags") && !"watch".equals(e.verb())
            && !"list".equals(e.verb()));
    assertThat(calls.entries().stream().map(AuditLog.Entry::call).toList())
        .as("the operator's writes of FeatureFlags: one status each, no finalizer patch")
        .containsOnly("update flagstaff.dev/featureflags/status")
        .hasSize(FLAGS);

    flags.delete("flag-0");
    await("the deleted flag gone, its key with it").atMost(Duration.ofSeconds(30))
        .until(() -> flags.get("flag-0") == null && !flags.data().containsKey("flag_0"));
    assertThat(flags.data()).hasSize(FLAGS - 1);
  }

  private static FeatureFlag named(FeatureFlag flag, String namespace) {
    flag.getMetadata().setNamespace(namespace);
    return flag;
  }

  private static List<String> finalizers(FeatureFlag flag) {
    return flag.getMetadata().getFinalizers() == null ? List.of() : flag.getMetadata().getFinalizers();
  }
}
