package dev.flagstaff.operator.announce;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagSpec;
import dev.flagstaff.api.v1alpha1.Owners;

/**
 * One effective change of a flag in one environment, told to the flag's owners in their Slack channel.
 *
 * @param from the state before, in words ({@code Disabled}, {@code 10% of time}); {@code null} when the flag is new
 * @param to the state after, in words; {@code null} when the flag is gone (deleted)
 * @param why what caused the change
 * @param detail free text completing {@code why}: {@code step 2 of 4}, a rollback's reason
 *     ({@code check publish_errors = 0.12 > max 0.05, 1 of 1}), how long a flag has been fully on ({@code 24h});
 *     may be {@code null}
 * @param channel {@code owners.slackChannel}: a channel id or {@code #name}; {@code null} means nobody is told
 * @param team {@code owners.team}, may be {@code null}
 */
public record Announcement(
    String namespace,
    String name,
    String key,
    String environment,
    String from,
    String to,
    Why why,
    String detail,
    String channel,
    String team,
    Links links) {

  /** What caused the change. */
  public enum Why {
    /** Someone changed the resource (kubectl apply, GitOps). */
    SPEC_CHANGE,
    /** The rollout plan moved to its next step. */
    ROLLOUT_STEP,
    /** The rollout turned the flag back off, e.g. a check failed. */
    ROLLBACK,
    /** Fully on long enough: time to remove the flag from the code and delete the resource. */
    READY_FOR_CLEANUP,
    /** The resource was deleted: its key is gone, readers treat the flag as off. */
    DELETED
  }

  /** Where the flag came from and where its rollout is tracked; each may be {@code null}. */
  public record Links(String introducedBy, String rolloutIssue, String featureIssue) {
    public static final Links NONE = new Links(null, null, null);
  }

  public Announcement {
    if (why == null) {
      throw new IllegalArgumentException("an announcement needs a reason");
    }
    links = links == null ? Links.NONE : links;
  }

  /** An announcement of {@code flag}'s change in {@code environment}, with its owners and links from the spec. */
  public static Announcement of(FeatureFlag flag, String environment, String from, String to, Why why,
      String detail) {
    FeatureFlagSpec spec = flag.getSpec();
    Owners owners = spec == null ? null : spec.getOwners();
    var specLinks = spec == null ? null : spec.getLinks();
    Links links = specLinks == null ? Links.NONE
        : new Links(specLinks.getIntroducedBy(), specLinks.getRolloutIssue(), specLinks.getFeatureIssue());
    return new Announcement(flag.getMetadata().getNamespace(), flag.getMetadata().getName(), flag.flagKey(),
        environment, from, to, why, detail,
        owners == null ? null : owners.getSlackChannel(), owners == null ? null : owners.getTeam(), links);
  }

  /** Whether there is a channel to post to. */
  public boolean hasChannel() {
    return channel != null && !channel.isBlank();
  }
}
