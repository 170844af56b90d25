# The flagstaff/slack-endpoint image the chart runs: the shaded jar on a Java 17 JRE, as a non-root user.
# Build from the repository root after `mvn -B -q package -DskipTests`:
#   docker build -f helm/images/slack-endpoint.Dockerfile -t flagstaff/slack-endpoint:0.1.0 .
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 flagstaff \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin flagstaff

COPY slack-endpoint/target/flagstaff-slack-endpoint.jar /app/flagstaff-slack-endpoint.jar

# The chart mounts the root filesystem read-only and an emptyDir at /tmp (the JVM's only scratch space).
# The heap follows the container's memory limit; an OutOfMemoryError restarts the pod instead of limping on.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8"
USER 10001:10001
WORKDIR /app
EXPOSE 8080 9090
ENTRYPOINT ["java", "-jar", "/app/flagstaff-slack-endpoint.jar"]
