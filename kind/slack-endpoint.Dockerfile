# The Slack endpoint's image, for kind (kind/seed-rollout.sh) and your own registry: the shaded jar on a JRE.
# Build from the repository root after `mvn -B package -DskipTests`.
FROM eclipse-temurin:17-jre
COPY slack-endpoint/target/flagstaff-slack-endpoint.jar /opt/flagstaff/flagstaff-slack-endpoint.jar
USER 65532:65532
ENTRYPOINT ["java", "-jar", "/opt/flagstaff/flagstaff-slack-endpoint.jar"]
