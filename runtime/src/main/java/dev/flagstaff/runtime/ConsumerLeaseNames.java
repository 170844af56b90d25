package dev.flagstaff.runtime;

/**
 * The names both sides of a consumer Lease agree on: each endpoint pod writes its Lease with them, the operator
 * selects and reads the Leases by them to count how many consumers serve a flag's value.
 */
public final class ConsumerLeaseNames {
  /** The label the operator selects consumer Leases by; its value is the ConfigMap's name. */
  public static final String CONSUMER_LABEL = "flagstaff.dev/consumer";
  /** The resourceVersion of the flags ConfigMap the pod serves. */
  public static final String APPLIED_VERSION = "flagstaff.dev/applied-configmap-version";

  private ConsumerLeaseNames() {}
}
