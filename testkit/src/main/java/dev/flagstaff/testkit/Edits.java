package dev.flagstaff.testkit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.function.UnaryOperator;

/**
 * Changes a resource the way {@code kubectl edit} does: read it, apply the change, write it with the
 * resourceVersion read, and on a 409 (the operator wrote the status meanwhile) read it again and re-apply the change
 * to the fresh copy, as client-go's {@code RetryOnConflict} does. Fabric8's {@code edit()} alone fails on the first
 * conflict. The change must be a function of the object it is given (set a field, not toggle it).
 */
public final class Edits {
  private static final int ATTEMPTS = 10;

  private Edits() {}

  public static <T extends HasMetadata> T edit(Resource<T> resource, UnaryOperator<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return resource.edit(change);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
