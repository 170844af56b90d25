package dev.flagstaff.endpoint.chatops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.chatops.command.Command;
import dev.flagstaff.chatops.command.Plan;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Who changed a flag from Slack, recorded where {@code kubectl describe} shows it: the annotation
 * {@value #ANNOTATION} on the resource (team, user, channel, the command line) and a Normal Event
 * {@value #REASON} saying who, where and what.
 */
final class ChangeRecord {
  static final String ANNOTATION = "flagstaff.dev/last-chatops-change";
  static final String REASON = "ChatOpsChange";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LINE = 500;

  private ChangeRecord() {}

  static String annotation(Requester who, Command command, Clock clock) {
    Map<String, String> record = new LinkedHashMap<>();
    record.put("team", who.team());
    record.put("user", who.user());
    record.put("userName", who.userName());
    record.put("channel", who.channel());
    record.put("command", shortened(who.line()));
    record.put("change", command.text());
    record.put("at", Instant.now(clock).toString());
    try {
      return JSON.writeValueAsString(record);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String message(Requester who, Plan.Change change) {
    return shortened(who.describe() + " ran \"" + who.line() + "\": " + (change.deleteResource() ? "deleted the flag"
        : String.join(", ", change.transitions().stream().map(Plan.Transition::toString).toList())));
  }

  static void event(KubernetesClient client, String namespace, JsonNode flag, Requester who, Plan.Change change,
      Clock clock) {
    String now = Instant.now(clock).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    JsonNode metadata = flag.path("metadata");
    Event event = new EventBuilder()
        .withNewMetadata().withName(metadata.path("name").asText() + "." + UUID.randomUUID().toString()
            .substring(0, 8)).withNamespace(namespace).endMetadata()
        .withNewInvolvedObject().withApiVersion(ClusterStatus.API_VERSION).withKind("FeatureFlag")
            .withName(metadata.path("name").asText()).withNamespace(namespace).withUid(metadata.path("uid").asText())
            .withResourceVersion(metadata.path("resourceVersion").asText(null)).endInvolvedObject()
        .withType("Normal").withReason(REASON).withMessage(message(who, change))
        .withReportingComponent("flagstaff.dev/chatops")
        .withNewSource().withComponent(KubernetesTarget.FIELD_MANAGER).endSource()
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1).build();
    client.v1().events().inNamespace(namespace).resource(event).create();
  }

  private static String shortened(String text) {
    return text.length() <= MAX_LINE ? text : text.substring(0, MAX_LINE) + "...";
  }
}
