package dev.flagstaff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.junit.jupiter.api.Test;

/** What the processes log as, configured the way logback configures itself at start (service, then files). */
class LoggingSetupTest {
  @Test
  void jsonLinesOnStdoutFlagstaffAtItsLevelLibrariesAtWarn() throws Exception {
    LoggerContext context = new LoggerContext();
    new ContextInitializer(context).autoConfig();

    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.INFO, root.getLevel());
    ConsoleAppender<?> stdout = (ConsoleAppender<?>) root.getAppender("STDOUT");
    assertTrue(stdout.isStarted());
    assertEquals("System.out", stdout.getTarget());
    assertTrue(((LayoutWrappingEncoder<?>) stdout.getEncoder()).getLayout() instanceof JsonLayout);
    assertEquals(LoggingSetup.ownLevel(), context.getLogger("dev.flagstaff.operator.Anything").getEffectiveLevel());
    for (String quiet : new String[] {"io.javaoperatorsdk.operator", "io.fabric8.kubernetes.client", "com.slack.api",
        "org.eclipse.jetty.server"}) {
      assertEquals(Level.WARN, context.getLogger(quiet).getEffectiveLevel(), quiet);
    }
    assertEquals(Level.INFO, context.getLogger("org.other").getEffectiveLevel());
  }

  @Test
  void flagstaffLogLevelSetsOwnLoggersAsTheXmlDid() {
    String before = System.getProperty(LoggingSetup.LEVEL_VARIABLE);
    try {
      System.setProperty(LoggingSetup.LEVEL_VARIABLE, "DEBUG");
      assertEquals(Level.DEBUG, LoggingSetup.ownLevel());
      System.setProperty(LoggingSetup.LEVEL_VARIABLE, "warn");
      assertEquals(Level.WARN, LoggingSetup.ownLevel());
    } finally {
      if (before == null) {
        System.clearProperty(LoggingSetup.LEVEL_VARIABLE);
      } else {
        System.setProperty(LoggingSetup.LEVEL_VARIABLE, before);
      }
    }
  }
}
