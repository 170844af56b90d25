package dev.flagstaff.runtime;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per line: {@code ts}, {@code level}, {@code logger}, {@code msg}, the MDC fields (such as
 * {@code event_id} or {@code flag}), and {@code error} with a compact stack when there is one.
 */
public class JsonLayout extends LayoutBase<ILoggingEvent> {
  private static final int MAX_FRAMES = 12;

  /**
   * A started appender writing these JSON lines to {@code out}, in {@code context}: what a process logs, captured
   * (tests attach it to a logger to read what an operator would see).
   */
  public static OutputStreamAppender<ILoggingEvent> appender(LoggerContext context, OutputStream out) {
    JsonLayout layout = new JsonLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setLayout(layout);
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.setContext(context);
    appender.start();
    return appender;
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder json = new StringBuilder(256);
    json.append("{\"ts\":\"").append(Instant.ofEpochMilli(event.getTimeStamp())).append('"');
    field(json, "level", event.getLevel().toString());
    field(json, "logger", shortName(event.getLoggerName()));
    field(json, "thread", event.getThreadName());
    field(json, "msg", event.getFormattedMessage());
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      mdc.forEach((k, v) -> field(json, k, v));
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      field(json, "error", error.getClassName() + ": " + error.getMessage());
      StringBuilder stack = new StringBuilder();
      StackTraceElementProxy[] frames = error.getStackTraceElementProxyArray();
      for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
        stack.append(i == 0 ? "" : " < ").append(frames[i].getStackTraceElement());
      }
      field(json, "stack", stack.toString());
    }
    return json.append("}\n").toString();
  }

  private static String shortName(String logger) {
    int dot = logger.lastIndexOf('.');
    return dot < 0 ? logger : logger.substring(dot + 1);
  }

  private static void field(StringBuilder json, String name, String value) {
    json.append(",\"").append(name).append("\":");
    if (value == null) {
      json.append("null");
      return;
    }
    json.append('"');
    JsonStringEncoder.getInstance().quoteAsString(value, json);
    json.append('"');
  }
}
