package dev.flagstaff.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real process refuses to start on bad configuration: one clear line on stderr, exit code 2. */
class EndpointMainTest {
  @TempDir Path tmp;

  private static Result run(Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), EndpointMain.class.getName());
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), stderr);
  }

  record Result(int exit, String stderr) {}

  @Test
  void missingSigningSecret() throws Exception {
    Result result = run(Map.of("FLAGSTAFF_FLAGS_FILE", "/nonexistent"));
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stderr().strip()).startsWith("flagstaff-slack-endpoint: SLACK_SIGNING_SECRET is required")
        .doesNotContain("\n").doesNotContain("Exception");
  }

  @Test
  void invalidHomeTemplate() throws Exception {
    Path template = tmp.resolve("home.json");
    Files.writeString(template, "{\"type\":\"modal\",\"blocks\":[]}");
    Result result = run(Map.of("SLACK_SIGNING_SECRET", "s3cr3t-value", "FLAGSTAFF_FLAGS_FILE", tmp.toString(),
        "FLAGSTAFF_HOME_TEMPLATE", template.toString()));
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stderr().strip()).isEqualTo("flagstaff-slack-endpoint: FLAGSTAFF_HOME_TEMPLATE: " + template
        + " must have \"type\": \"home\"");
    assertThat(result.stderr()).doesNotContain("s3cr3t-value");
  }

  @Test
  void invalidFallbackTemplate() throws Exception {
    Path template = tmp.resolve("fallback.json");
    Files.writeString(template, "{\"type\":\"home\"}");
    Result result = run(Map.of("SLACK_SIGNING_SECRET", "s3cr3t-value", "FLAGSTAFF_FLAGS_FILE", tmp.toString(),
        "FLAGSTAFF_HOME_FALLBACK_TEMPLATE", template.toString()));
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stderr().strip()).isEqualTo("flagstaff-slack-endpoint: FLAGSTAFF_HOME_FALLBACK_TEMPLATE: "
        + template + " must have a \"blocks\" list");
  }

  @Test
  void aFallbackTemplateWithTheFallbackTurnedOffIsAContradiction() throws Exception {
    Path template = tmp.resolve("fallback.json");
    Files.writeString(template, "{\"type\":\"home\",\"blocks\":[]}");
    Result result = run(Map.of("SLACK_SIGNING_SECRET", "s3cr3t-value", "FLAGSTAFF_FLAGS_FILE", tmp.toString(),
        "FLAGSTAFF_HOME_FALLBACK", "false", "FLAGSTAFF_HOME_FALLBACK_TEMPLATE", template.toString()));
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stderr().strip()).startsWith("flagstaff-slack-endpoint: FLAGSTAFF_HOME_FALLBACK_TEMPLATE is set "
        + "but FLAGSTAFF_HOME_FALLBACK is false").doesNotContain("\n");
  }

  static String classpathSeparator() {
    return File.pathSeparator;
  }
}
