package dev.flagstaff.helm;

/** The value sets the tests render, and the names the chart gives its objects for them. */
final class Values {
  private Values() {}

  /** The chart's defaults plus the one value that has none. */
  static final String DEFAULTS = "environment: staging\n";

  static final String OPERATOR = Chart.RELEASE + "-flagstaff-operator";
  static final String ENDPOINT = Chart.RELEASE + "-flagstaff-slack-endpoint";

  /** Every optional part switched on and most defaults changed. */
  static final String NON_DEFAULT = """
      environment: production
      configMapName: flags-prod
      fullnameOverride: fs
      imagePullSecrets: [{name: registry-pull}]
      operator:
        replicas: 2
        watchNamespaces: [team-a, team-b]
        image: {repository: registry.example/flagstaff/operator, tag: "1.2.3", pullPolicy: Always}
        logLevel: DEBUG
        reconcileThreads: 200
        podAnnotations: {team: integrations}
        announcements: {enabled: true}
      endpoint:
        replicas: 3
        actor: team
        homeShowFlags: true
        homeTemplate: '{"type":"home","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"*Acme*"}}]}'
        homeFallbackTemplate: '{"type":"home","blocks":[{"type":"section","text":{"type":"plain_text","text":"Soon"}}]}'
        appHomeFlag: app_home_v2
        workerThreads: 8
        podDisruptionBudget: {enabled: false}
        service: {port: 80}
      slack:
        createSecret: true
        signingSecret: s1gning-secret-value-for-tests
        botToken: xoxb-bot-token-value-for-tests
        apiUrl: https://slack-stub.example/api/
      metrics:
        podAnnotations: true
        serviceMonitor: {enabled: true, labels: {release: prometheus}}
      grafana:
        dashboard: {enabled: true}
      """;

  static final String NON_DEFAULT_OPERATOR = "fs-operator";
  static final String NON_DEFAULT_ENDPOINT = "fs-slack-endpoint";
  static final String HOME_TEMPLATE =
      "{\"type\":\"home\",\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*Acme*\"}}]}";
  static final String FALLBACK_TEMPLATE =
      "{\"type\":\"home\",\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"plain_text\",\"text\":\"Soon\"}}]}";
  static final String SIGNING_SECRET = "s1gning-secret-value-for-tests";
  static final String BOT_TOKEN = "xoxb-bot-token-value-for-tests";

  /** Values on top of {@link #DEFAULTS}. */
  static String defaultsWith(String moreYaml) {
    return DEFAULTS + moreYaml.stripIndent();
  }
}
