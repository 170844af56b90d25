package dev.flagstaff.testkit;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * A Kubernetes API server for tests and the demo: Fabric8's mock server in CRUD mode (it stores what is
 * created, serves lists and watches, applies JSON and JSON merge patches), listening on loopback over plain
 * HTTP, with the {@code FeatureFlag} CRD installed and the given namespaces created.
 *
 * <pre>{@code
 * try (KubernetesTestServer server = KubernetesTestServer.start("flags")) {
 *   KubernetesClient client = server.client();
 *   ...
 * }
 * }</pre>
 *
 * <p>Beyond CRUD, it answers SelfSubjectRulesReviews with "everything allowed", so that JOSDK's leader election can
 * start against it.
 *
 * <p>What it does not do (the real API server of {@code testkit/kube} does): server-side apply (415), OpenAPI schema
 * or CEL validation, the 1 MiB object size limit, and deleting keys set to {@code null} by a merge patch. kubectl
 * cannot talk to it.
 */
public final class KubernetesTestServer implements AutoCloseable {
  /** The CRD as generated into the crds jar by the build. */
  public static final String CRD_RESOURCE = "META-INF/fabric8/featureflags.flagstaff.dev-v1.yml";

  private final KubernetesMockServer server;
  private final MockWebServer web;
  private final KubernetesClient client;
  private final List<KubernetesClient> clients = new ArrayList<>();

  private KubernetesTestServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    web = new MockWebServer();
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), web, responses,
        new LockingStatusDispatcher(responses), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    answerRulesReviewsAsAdmin();
    client = newClient();
  }

  /**
   * Starts a server on an ephemeral loopback port, installs the FeatureFlag CRD and creates {@code namespaces}.
   */
  public static KubernetesTestServer start(String... namespaces) {
    KubernetesTestServer server = new KubernetesTestServer();
    try {
      server.installCrd();
      for (String namespace : namespaces) {
        server.createNamespace(namespace);
      }
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** A client of this server, shared by the caller; closed by {@link #close()}. Its default namespace is "test". */
  public KubernetesClient client() {
    return client;
  }

  /**
   * A new client of this server, for a component that closes its own client (an operator under test). It is
   * also closed by {@link #close()}, so closing it twice is harmless.
   */
  public KubernetesClient newClient() {
    KubernetesClient created = server.createClient();
    synchronized (clients) {
      clients.add(created);
    }
    return created;
  }

  /** The server's URL, e.g. {@code http://127.0.0.1:41234/}: what {@code KUBERNETES_MASTER} would be set to. */
  public String url() {
    return client.getConfiguration().getMasterUrl();
  }

  /**
   * Scripted answers that take precedence over the CRUD store for a request's exact method and path, e.g. to make
   * the next two patches of a ConfigMap fail: {@code expect().patch().withPath(path).andReturn(500, "").times(2)}.
   */
  public MockServerExpectation expect() {
    return server.expect();
  }

  /** Requests received since the start, of every method (a watch counts once, when it is opened). */
  public int requestCount() {
    return web.getRequestCount();
  }

  /**
   * The requests received since the previous call (or the start), oldest first, removed from the server's record:
   * e.g. to count what a component sends, by method and path. The server keeps every request until it is drained.
   */
  public List<RecordedRequest> drainRequests() {
    List<RecordedRequest> drained = new ArrayList<>();
    try {
      for (RecordedRequest request; (request = web.takeRequest(0, TimeUnit.MILLISECONDS)) != null; ) {
        drained.add(request);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return drained;
  }

  public KubernetesTestServer createNamespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return this;
  }

  /**
   * The mock has no RBAC; a SelfSubjectRulesReview (which JOSDK's leader election sends to check it may use Leases)
   * is answered with "everything allowed".
   */
  private void answerRulesReviewsAsAdmin() {
    SelfSubjectRulesReview allowed = new SelfSubjectRulesReviewBuilder()
        .withNewStatus()
        .withIncomplete(false)
        .addNewResourceRule().withApiGroups("*").withResources("*").withVerbs("*").endResourceRule()
        .endStatus()
        .build();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, allowed).always();
  }

  private void installCrd() {
    try (InputStream yaml = KubernetesTestServer.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
      if (yaml == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath: is flagstaff-crds built?");
      }
      CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(KubernetesClient::close);
      clients.clear();
    }
    server.destroy();
  }
}
