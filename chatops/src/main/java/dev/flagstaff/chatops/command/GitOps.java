package dev.flagstaff.chatops.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Whether a GitOps tool manages a resource, from the marks it leaves: a change made in the cluster would be reverted
 * by its next sync, so it must be made in Git instead.
 */
public final class GitOps {
  private GitOps() {}

  /** The tool and the mark that says so, e.g. {@code Argo CD (annotation argocd.argoproj.io/tracking-id)}. */
  public static Optional<String> managedBy(JsonNode resource) {
    JsonNode annotations = resource.path("metadata").path("annotations");
    JsonNode labels = resource.path("metadata").path("labels");
    if (annotations.has("argocd.argoproj.io/tracking-id")) {
      return Optional.of("Argo CD (annotation argocd.argoproj.io/tracking-id)");
    }
    if (labels.has("argocd.argoproj.io/instance")) {
      return Optional.of("Argo CD (label argocd.argoproj.io/instance)");
    }
    if (labels.has("kustomize.toolkit.fluxcd.io/name")) {
      return Optional.of("Flux (label kustomize.toolkit.fluxcd.io/name)");
    }
    if (labels.has("helm.toolkit.fluxcd.io/name")) {
      return Optional.of("Flux (label helm.toolkit.fluxcd.io/name)");
    }
    return Optional.empty();
  }

  /** The refusal for a change of a resource the tool manages, with the Git-side command to type instead. */
  public static Refusal refusal(Command command, String name, String tool) {
    return Refusal.of("featureflag/" + name + " is managed by " + tool + ": its next sync would revert a change made "
        + "in the cluster. Nothing was changed. Change its manifest in Git instead.",
        command.text() + " --file <its manifest in your working copy>",
        command.text() + " --git <the repository> --file <its path there>");
  }
}
