package dev.flagstaff.chatops.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.testkit.SeedLines;
import org.junit.jupiter.api.Test;

class GitOpsTest {
  @Test
  void argoCdAndFluxMarksAreRecognisedAndAPlainResourceIsNot() {
    ObjectNode flag = SeedLines.read("01-define.yaml");
    assertThat(GitOps.managedBy(flag)).isEmpty();

    flag.with("metadata").with("labels").put("kustomize.toolkit.fluxcd.io/name", "flags");
    assertThat(GitOps.managedBy(flag)).contains("Flux (label kustomize.toolkit.fluxcd.io/name)");

    flag.with("metadata").with("annotations").put("argocd.argoproj.io/tracking-id", "flags:flagstaff.dev/FeatureFlag:ns/x");
    assertThat(GitOps.managedBy(flag)).contains("Argo CD (annotation argocd.argoproj.io/tracking-id)");
  }
}
