package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** GitLab's feature flag types: what the flag is for, and so how long it may live. */
public enum FlagType {
  @JsonProperty("gitlab_com_derisk") GITLAB_COM_DERISK,
  @JsonProperty("wip") WIP,
  @JsonProperty("beta") BETA,
  @JsonProperty("ops") OPS,
  @JsonProperty("experiment") EXPERIMENT,
  @JsonProperty("worker") WORKER,
  @JsonProperty("development") DEVELOPMENT
}
