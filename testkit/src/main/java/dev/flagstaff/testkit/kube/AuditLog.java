package dev.flagstaff.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** The API server's audit log (level Metadata): who called what, and what the server answered. */
public record AuditLog(List<Entry> entries) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One request. {@code resource} is {@code group/resource[/subresource]} ({@code ""/configmaps} for the core
   * group); empty for a non-resource URL such as {@code /version}.
   */
  public record Entry(String user, String verb, String resource, String namespace, String name, int code,
      String uri) {
    /** {@code verb group/resource[/sub]} — the unit RBAC grants. */
    public String call() {
      return verb + " " + resource;
    }
  }

  static AuditLog read(Path file) {
    List<Entry> entries = new ArrayList<>();
    if (!Files.exists(file)) {
      return new AuditLog(entries);
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        // A watch is logged when it starts (it completes only when it ends); any other call when it completes.
        String stage = event.path("stage").asText();
        boolean watch = "watch".equals(event.path("verb").asText());
        if (!(watch ? "ResponseStarted" : "ResponseComplete").equals(stage)) {
          continue;
        }
        JsonNode ref = event.path("objectRef");
        String resource = ref.isMissingNode() ? ""
            : ref.path("apiGroup").asText("") + "/" + ref.path("resource").asText()
                + (ref.hasNonNull("subresource") ? "/" + ref.path("subresource").asText() : "");
        entries.add(new Entry(event.path("user").path("username").asText(), event.path("verb").asText(), resource,
            ref.path("namespace").asText(""), ref.path("name").asText(""),
            event.path("responseStatus").path("code").asInt(), event.path("requestURI").asText()));
      }
      return new AuditLog(entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The requests of one user, e.g. {@code system:serviceaccount:flags:flagstaff-operator}. */
  public AuditLog by(String user) {
    return filter(e -> e.user().equals(user));
  }

  public AuditLog filter(Predicate<Entry> keep) {
    return new AuditLog(entries.stream().filter(keep).collect(Collectors.toList()));
  }

  /** Requests the authorizer refused. */
  public AuditLog forbidden() {
    return filter(e -> e.code() == 403);
  }

  public int size() {
    return entries.size();
  }
}
