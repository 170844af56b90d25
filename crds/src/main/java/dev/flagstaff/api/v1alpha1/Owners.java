package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/** Who answers for the flag. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Owners {
  @JsonPropertyDescription("The owning team or group, e.g. group::integrations.")
  @Size(max = 253)
  private String team;

  @JsonPropertyDescription("The Slack channel where changes to this flag are announced, e.g. #g_ecosystem_integrations.")
  @Size(max = 80)
  private String slackChannel;

  @JsonPropertyDescription("The person to contact about this flag (a handle or an e-mail address).")
  @Size(max = 253)
  private String contact;

  @JsonPropertyDescription("The product manager accountable for the feature behind the flag.")
  @Size(max = 253)
  private String productManager;

  public String getTeam() { return team; }
  public void setTeam(String team) { this.team = team; }
  public String getSlackChannel() { return slackChannel; }
  public void setSlackChannel(String slackChannel) { this.slackChannel = slackChannel; }
  public String getContact() { return contact; }
  public void setContact(String contact) { this.contact = contact; }
  public String getProductManager() { return productManager; }
  public void setProductManager(String productManager) { this.productManager = productManager; }
}
