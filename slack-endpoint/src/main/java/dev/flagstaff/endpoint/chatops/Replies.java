package dev.flagstaff.endpoint.chatops;

import com.slack.api.Slack;
import com.slack.api.app_backend.slash_commands.SlashCommandResponseSender;
import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.webhook.WebhookResponse;
import dev.flagstaff.runtime.Secret;
import java.io.IOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the answers go: the command's {@code response_url} (ephemeral or in the channel), and the flag owners'
 * channel with {@code chat.postMessage}. A response_url must be Slack's own ({@code https://hooks.slack.com/...})
 * or on the Slack API URL's origin (the local stub in tests), so a signed request cannot make the endpoint post
 * anywhere else. Failures are logged with the status or Slack's error code; URLs and tokens never are.
 */
final class Replies {
  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);
  static final String SLACK_HOOKS = "hooks.slack.com";

  private final SlashCommandResponseSender sender;
  private final Slack slack;
  private final Secret botToken;
  private final URI slackApi;

  Replies(Slack slack, Secret botToken, String slackApiUrl) {
    this.slack = slack;
    this.sender = new SlashCommandResponseSender(slack);
    this.botToken = botToken;
    this.slackApi = URI.create(slackApiUrl);
  }

  /** Whether the endpoint may POST to {@code url}. */
  boolean allowed(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException | NullPointerException e) {
      return false;
    }
    if (uri.getUserInfo() != null || uri.getHost() == null) {
      return false;
    }
    if ("https".equals(uri.getScheme()) && SLACK_HOOKS.equals(uri.getHost()) && uri.getPort() == -1) {
      return true;
    }
    return uri.getScheme() != null && uri.getScheme().equals(slackApi.getScheme())
        && uri.getHost().equals(slackApi.getHost()) && uri.getPort() == slackApi.getPort();
  }

  /** Posts to the command's response_url; {@code inChannel} false is seen by the requester only. */
  boolean respond(String responseUrl, boolean inChannel, String text) {
    if (!allowed(responseUrl)) {
      LOG.warn("response_url refused: not a Slack URL");
      return false;
    }
    try {
      WebhookResponse response = sender.send(responseUrl, SlashCommandResponse.builder()
          .responseType(inChannel ? "in_channel" : "ephemeral").text(text).build());
      if (response.getCode() != 200) {
        LOG.warn("posting to response_url answered HTTP {}", response.getCode());
        return false;
      }
      return true;
    } catch (IOException e) {
      LOG.warn("posting to response_url failed: {}", e.getClass().getSimpleName());
      return false;
    }
  }

  /** Posts in the flag owners' channel (the bot must be a member of it). */
  boolean crossPost(String channel, String text) {
    if (botToken == null) {
      LOG.warn("not cross-posted to {}: SLACK_BOT_TOKEN is not set", channel);
      return false;
    }
    try {
      ChatPostMessageResponse response = slack.methods(botToken.reveal())
          .chatPostMessage(r -> r.channel(channel).text(text).unfurlLinks(false));
      if (!response.isOk()) {
        LOG.warn("chat.postMessage to {} failed: {}", channel, response.getError());
        return false;
      }
      return true;
    } catch (IOException | SlackApiException e) {
      LOG.warn("chat.postMessage to {} failed: {}", channel, e.getClass().getSimpleName());
      return false;
    }
  }
}
