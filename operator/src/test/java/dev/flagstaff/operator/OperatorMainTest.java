package dev.flagstaff.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The process a user starts: bad configuration is one clear line and exit status 2, not a stack trace. */
class OperatorMainTest {
  @Test
  void withoutAnEnvironmentItRefusesToStartWithOneClearLine() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", System.getProperty("java.class.path"), OperatorMain.class.getName());
    builder.environment().remove("FLAGSTAFF_ENVIRONMENT");
    builder.environment().put("KUBERNETES_MASTER", "http://127.0.0.1:9");
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.exitValue()).isEqualTo(2);
    List<String> lines = stderr.lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("flagstaff-operator: FLAGSTAFF_ENVIRONMENT is required");
  }
}
