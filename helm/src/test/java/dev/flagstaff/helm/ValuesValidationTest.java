package dev.flagstaff.helm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad values stop {@code helm template}/{@code install} with a message naming the value. */
class ValuesValidationTest {

  @Test
  void environmentIsRequired() {
    assertThat(Chart.renderFailure("")).contains("environment");
  }

  @Test
  void anEmptyEnvironmentIsRefused() {
    assertThat(Chart.renderFailure("environment: \"\"\n")).contains("environment");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Production",
      "staging_ref",
      "-staging",
      "staging.eu",
  })
  void anEnvironmentThatIsNotADnsLabelIsRefused(String environment) {
    assertThat(Chart.renderFailure("environment: \"" + environment + "\"\n")).contains("environment");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // a value of the wrong type
      "'operator: {replicas: two}'                         | replicas",
      "'endpoint: {replicas: \"2\"}'                       | replicas",
      "'endpoint: {homeShowFlags: \"yes\"}'                | homeShowFlags",
      "'endpoint: {homeFallback: \"no\"}'                  | homeFallback",
      "'endpoint: {homeTemplate: {type: home}}'           | homeTemplate",
      "'operator: {image: {tag: 1.2}}'                     | tag",
      "'metrics: {serviceMonitor: {enabled: 1}}'           | enabled",
      // a value out of range
      "'operator: {replicas: 3}'                           | replicas",
      "'operator: {replicas: 0}'                           | replicas",
      "'endpoint: {actor: channel}'                        | actor",
      "'operator: {watchNamespaces: [\"*\", team-a]}'      | watchNamespaces",
      "'operator: {watchNamespaces: [Team_A]}'             | watchNamespaces",
      "'endpoint: {service: {port: 70000}}'                | port",
      // a misspelt key is an error, not silently ignored
      "'operator: {replica: 2}'                            | replica",
      // the chart-created Secret needs both values
      "'slack: {createSecret: true, signingSecret: s}'     | botToken",
      "'slack: {existingSecret: \"\"}'                      | existingSecret",
  })
  void aBadValueIsRefusedByTheSchema(String yaml, String named) {
    assertThat(Chart.renderFailure(Values.defaultsWith(yaml + "\n"))).contains(named);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'endpoint: {homeTemplate: \"{not json\"}'                                   | endpoint.homeTemplate must be a Block Kit view",
      "'endpoint: {homeFallbackTemplate: \"{\\\"type\\\":\\\"modal\\\",\\\"blocks\\\":[]}\"}'  | endpoint.homeFallbackTemplate must be a Block Kit view",
      "'endpoint: {homeFallback: false, homeFallbackTemplate: \"{\\\"type\\\":\\\"home\\\",\\\"blocks\\\":[]}\"}' | endpoint.homeFallbackTemplate is set but endpoint.homeFallback is false",
  })
  void aHomeTemplateThatIsNoHomeViewOrAFallbackTemplateWithTheFallbackOffIsRefused(String yaml, String message) {
    assertThat(Chart.renderFailure(Values.defaultsWith(yaml + "\n"))).contains(message);
  }

  @Test
  void theSameValuesWithGoodOnesRender() {
    // The cases above fail because of the one bad value, not because of the rest.
    Manifests manifests = Chart.render(Values.defaultsWith("""
        operator: {replicas: 2, watchNamespaces: [team-a], image: {tag: "1.2"}}
        endpoint: {replicas: 2, actor: team, homeShowFlags: true, service: {port: 8443}}
        metrics: {serviceMonitor: {enabled: true}}
        slack: {createSecret: true, signingSecret: s, botToken: t}
        """));

    assertThat(manifests.all()).isNotEmpty();
  }
}
