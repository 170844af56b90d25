package dev.flagstaff.endpoint.chatops;

import dev.flagstaff.endpoint.http.Utf8;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.app_backend.slash_commands.SlashCommandPayloadParser;
import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import dev.flagstaff.endpoint.EndpointMetrics;
import dev.flagstaff.endpoint.http.SignatureCheck;
import dev.flagstaff.endpoint.http.SignedBody;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v4/integrations/slack/commands}: read within the deadline → verify the signature over the raw
 * body → parse the form ({@code application/x-www-form-urlencoded}) → check the command name and response_url →
 * acknowledge with an ephemeral message (the work happens off this thread). A forged, unsigned or malformed request
 * gets a 4xx with a small JSON body. Other paths are declined, for the next handler of a {@code Handler.Sequence}.
 */
public final class SlashCommandHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(SlashCommandHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ID = 255;

  private final String command;
  private final int maxBodyBytes;
  private final Duration deadline;
  private final SignatureCheck signatures;
  private final SlashCommands commands;
  private final EndpointMetrics metrics;

  public SlashCommandHandler(String command, int maxBodyBytes, Duration deadline, SignatureCheck signatures,
      SlashCommands commands, EndpointMetrics metrics) {
    this.command = command;
    this.maxBodyBytes = maxBodyBytes;
    this.deadline = deadline;
    this.signatures = signatures;
    this.commands = commands;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!ChatOpsSettings.COMMANDS_PATH.equals(Request.getPathInContext(request))) {
      return false;
    }
    if (!"POST".equals(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      refuse(response, callback, 405, "method_not_allowed", false);
      return true;
    }
    SignedBody.read(request, maxBodyBytes, deadline, signatures, new SignedBody.Outcome() {
      @Override
      public void verified(byte[] body) {
        try {
          serve(request, body, response, callback);
        } catch (RuntimeException e) {
          LOG.error("slash command failed: {}", e.getClass().getName());
          refuse(response, callback, 500, "internal", false);
        }
      }

      @Override
      public void refused(int status, String error, boolean close) {
        LOG.debug("slash command refused: {}", error);
        refuse(response, callback, status, error, close);
      }
    });
    return true;
  }

  private void serve(Request request, byte[] body, Response response, Callback callback) {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      refuse(response, callback, 400, "unsupported_media_type", false);
      return;
    }
    SlashCommandPayload payload = parse(body);
    if (payload == null || !valid(payload)) {
      refuse(response, callback, 400, "malformed", false);
      return;
    }
    if (!command.equals(payload.getCommand())) {
      metrics.request("wrong_command");
      ephemeral(response, callback, 400, "This endpoint serves " + command + ", not " + shown(payload.getCommand())
          + ": set the slash command's Request URL to the endpoint that serves it.");
      return;
    }
    if (!commands.allowedResponseUrl(payload.getResponseUrl())) {
      refuse(response, callback, 400, "bad_response_url", false);
      return;
    }
    metrics.request("ok");
    Requester who = new Requester(payload.getTeamId(), payload.getUserId(), payload.getUserName(),
        payload.getChannelId(), payload.getChannelName(), payload.getText() == null ? "" : payload.getText());
    ephemeral(response, callback, 200, commands.accept(who, payload.getResponseUrl()));
  }

  /** The form, decoded strictly as UTF-8; {@code null} when it is not a form Slack would send. */
  private static SlashCommandPayload parse(byte[] body) {
    String form = Utf8.decodeOrNull(body);
    if (form == null) {
      return null;
    }
    try {
      return new SlashCommandPayloadParser().parse(form);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean valid(SlashCommandPayload p) {
    return id(p.getTeamId()) && id(p.getUserId()) && id(p.getChannelId()) && p.getCommand() != null
        && p.getResponseUrl() != null && (p.getText() == null || p.getText().length() <= 4000)
        && (p.getUserName() == null || p.getUserName().length() <= MAX_ID)
        && (p.getChannelName() == null || p.getChannelName().length() <= MAX_ID);
  }

  private static boolean id(String value) {
    return value != null && !value.isEmpty() && value.length() <= MAX_ID && value.chars().allMatch(c ->
        Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
  }

  private static String shown(String value) {
    return value.length() <= 32 ? value : value.substring(0, 32) + "...";
  }

  private void refuse(Response response, Callback callback, int status, String error, boolean close) {
    metrics.request(error);
    if (close) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    answer(response, callback, status, "{\"ok\":false,\"error\":\"" + error + "\"}");
  }

  private static void ephemeral(Response response, Callback callback, int status, String text) {
    answer(response, callback, status, JSON.createObjectNode().put("response_type", "ephemeral").put("text", text)
        .toString());
  }

  private static void answer(Response response, Callback callback, int status, String json) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
  }
}
