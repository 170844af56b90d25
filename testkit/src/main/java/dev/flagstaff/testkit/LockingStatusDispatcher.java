package dev.flagstaff.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;

/**
 * The mock's dispatcher, plus the optimistic locking a real API server applies to a status replace: a PUT to
 * {@code .../status} carrying a resourceVersion other than the stored one is answered 409, as kube-apiserver does.
 * (The mock alone copies the stored metadata over the request's, so such a stale write silently wins.)
 */
final class LockingStatusDispatcher extends KubernetesMixedDispatcher {
  LockingStatusDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
    super(responses);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if ("PUT".equalsIgnoreCase(request.getMethod()) && bare.endsWith("/status")) {
      byte[] body = request.getBody().readByteArray();
      request = new RecordedRequest(request.getHttpVersion(), request.method(), path, request.getHeaders(),
          new Buffer(body));
      String sent = Serialization.unmarshal(new String(body, StandardCharsets.UTF_8), JsonNode.class)
          .path("metadata").path("resourceVersion").asText();
      MockResponse stored = super.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.GET,
          bare.substring(0, bare.length() - "/status".length()), request.getHeaders(), new Buffer()));
      if (!sent.isEmpty() && stored.code() == 200) {
        String current = Serialization.unmarshal(stored.getBody().readString(StandardCharsets.UTF_8), JsonNode.class)
            .path("metadata").path("resourceVersion").asText();
        if (!sent.equals(current)) {
          return new MockResponse().setResponseCode(409).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
              + "\"status\":\"Failure\",\"reason\":\"Conflict\",\"code\":409,\"message\":\"Operation cannot be "
              + "fulfilled: the object has been modified; please apply your changes to the latest version and try "
              + "again\"}");
        }
      }
    }
    return super.dispatch(request);
  }
}
