package dev.flagstaff.testkit.kube;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** See {@link RealKubernetes}. */
public final class RealApiServerExtension implements ExecutionCondition, ParameterResolver {
  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(RealApiServer.class);

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (KubeBinaries.find().isPresent() || required()) {
      return ConditionEvaluationResult.enabled("real API server binaries found");
    }
    return ConditionEvaluationResult.disabled("real-API-server test skipped: no kube-apiserver, etcd and kubectl"
        + " found; " + KubeBinaries.HOW_TO_ENABLE);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RealApiServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(STORE).getOrComputeIfAbsent(RealApiServer.class, k -> {
      Optional<KubeBinaries> binaries = KubeBinaries.find();
      if (binaries.isEmpty()) {
        throw new IllegalStateException("FLAGSTAFF_REQUIRE_REAL_API=true but no kube-apiserver, etcd and kubectl"
            + " were found: " + KubeBinaries.HOW_TO_ENABLE);
      }
      return RealApiServer.start(binaries.get());
    }, RealApiServer.class);
  }

  private static boolean required() {
    return "true".equalsIgnoreCase(System.getenv("FLAGSTAFF_REQUIRE_REAL_API"));
  }
}
