package dev.flagstaff.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration for every Flagstaff process, in code (found by logback through
 * {@code META-INF/services}): one JSON object per line on stdout ({@link JsonLayout}); {@code FLAGSTAFF_LOG_LEVEL}
 * (a system property or the environment, default INFO) sets the level of Flagstaff's own loggers; JOSDK, Fabric8,
 * the Slack SDK and Jetty log warnings only. In code rather than a {@code logback.xml} because parsing that file
 * was a tenth of the jars' time to {@code /readyz} (P5). With {@code -Dlogback.configurationFile} set, that file is
 * used instead, as logback does by itself.
 */
public final class LoggingSetup extends ContextAwareBase implements Configurator {
  static final String LEVEL_VARIABLE = "FLAGSTAFF_LOG_LEVEL";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    JsonLayout layout = new JsonLayout();
    layout.setContext(context);
    layout.start();
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setName("STDOUT");
    stdout.setEncoder(encoder);
    stdout.start();

    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stdout);
    context.getLogger("dev.flagstaff").setLevel(ownLevel());
    for (String quiet : new String[] {"io.javaoperatorsdk", "io.fabric8", "com.slack.api", "org.eclipse.jetty"}) {
      context.getLogger(quiet).setLevel(Level.WARN);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** As logback read {@code level="${FLAGSTAFF_LOG_LEVEL:-INFO}"}: an unknown name is DEBUG. */
  static Level ownLevel() {
    String value = System.getProperty(LEVEL_VARIABLE, System.getenv(LEVEL_VARIABLE));
    return value == null || value.isEmpty() ? Level.INFO : Level.toLevel(value);
  }
}
