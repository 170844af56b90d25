package dev.flagstaff.operator;

import dev.flagstaff.api.v1alpha1.FeatureFlagSpec;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The operator's configuration, read once from the environment (see the README's "Operator" table).
 *
 * @param namespaces the namespaces to watch; empty means all namespaces
 */
public record OperatorSettings(
    String environment,
    Set<String> namespaces,
    String configMapName,
    int managementPort,
    boolean leaderElection,
    String leaderElectionNamespace,
    String verificationEnvironment) {

  static final String SERVICE_ACCOUNT_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

  private static final Pattern DNS_LABEL = Pattern.compile(FeatureFlagSpec.ENVIRONMENT_PATTERN);
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  public OperatorSettings {
    namespaces = Set.copyOf(namespaces);
  }

  /**
   * @param clientNamespace the namespace of the Kubernetes client's configuration (kubeconfig), may return null
   * @throws ConfigException naming the variable when a value is missing or malformed
   */
  public static OperatorSettings from(Config config, Supplier<String> clientNamespace) {
    String environment = config.required("FLAGSTAFF_ENVIRONMENT",
        "the environment this operator serves, e.g. staging or production");
    if (environment.length() > 63 || !DNS_LABEL.matcher(environment).matches()) {
      throw new ConfigException("FLAGSTAFF_ENVIRONMENT must be a DNS label (lower case letters, digits and -), got '"
          + environment + "'");
    }
    String configMap = config.string("FLAGSTAFF_CONFIGMAP", "feature-flags");
    if (configMap.length() > 253 || !DNS_SUBDOMAIN.matcher(configMap).matches()) {
      throw new ConfigException("FLAGSTAFF_CONFIGMAP must be a valid ConfigMap name, got '" + configMap + "'");
    }
    int port = config.port("FLAGSTAFF_MANAGEMENT_PORT", 9090);
    boolean leaderElection = config.bool("FLAGSTAFF_LEADER_ELECTION", false);

    String own = ownNamespace(config, clientNamespace);
    Set<String> namespaces = namespaces(config.string("FLAGSTAFF_NAMESPACES"), own);
    String leaseNamespace = config.string("FLAGSTAFF_LEADER_ELECTION_NAMESPACE", own);
    checkNamespace("FLAGSTAFF_LEADER_ELECTION_NAMESPACE", leaseNamespace);
    String verification = config.string("FLAGSTAFF_VERIFICATION_ENVIRONMENT", "production");
    if (verification.length() > 63 || !DNS_LABEL.matcher(verification).matches()) {
      throw new ConfigException("FLAGSTAFF_VERIFICATION_ENVIRONMENT must be a DNS label (lower case letters, digits "
          + "and -), got '" + verification + "'");
    }
    return new OperatorSettings(environment, namespaces, configMap, port, leaderElection, leaseNamespace,
        verification);
  }

  /** Whether this operator keeps the verification term: it serves FLAGSTAFF_VERIFICATION_ENVIRONMENT. */
  public boolean servesVerificationEnvironment() {
    return environment.equals(verificationEnvironment);
  }

  public boolean watchesAllNamespaces() {
    return namespaces.isEmpty();
  }

  /** The Lease two replicas of this environment's operator compete for. */
  public String leaseName() {
    return "flagstaff-operator-" + environment;
  }

  private static Set<String> namespaces(String value, String own) {
    if (value == null) {
      return Set.of(own);
    }
    if (value.equals("*")) {
      return Set.of();
    }
    Set<String> namespaces = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      String namespace = part.trim();
      if (namespace.isEmpty()) {
        continue;
      }
      checkNamespace("FLAGSTAFF_NAMESPACES", namespace);
      namespaces.add(namespace);
    }
    if (namespaces.isEmpty()) {
      throw new ConfigException("FLAGSTAFF_NAMESPACES must be a comma-separated list of namespaces or *, got '"
          + value + "'");
    }
    return namespaces;
  }

  private static void checkNamespace(String variable, String namespace) {
    if (namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches()) {
      throw new ConfigException(variable + ": '" + namespace + "' is not a valid namespace name"
          + (variable.equals("FLAGSTAFF_NAMESPACES") ? " (use a comma-separated list, or * for all)" : ""));
    }
  }

  /** POD_NAMESPACE, else the service account's namespace, else the client configuration's, else "default". */
  private static String ownNamespace(Config config, Supplier<String> clientNamespace) {
    String pod = config.string("POD_NAMESPACE");
    if (pod != null) {
      return pod;
    }
    Path serviceAccount = Path.of(SERVICE_ACCOUNT_NAMESPACE);
    if (Files.isReadable(serviceAccount)) {
      try {
        String namespace = Files.readString(serviceAccount, StandardCharsets.UTF_8).trim();
        if (!namespace.isEmpty()) {
          return namespace;
        }
      } catch (IOException e) {
        // fall through to the client's namespace
      }
    }
    String fromClient = clientNamespace.get();
    return fromClient == null || fromClient.isBlank() ? "default" : fromClient;
  }
}
