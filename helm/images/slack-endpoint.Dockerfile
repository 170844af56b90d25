# The flagstaff/slack-endpoint image the chart runs: the shaded jar on a Java 17 JRE, as a non-root user.
# Build from the repository root after `mvn -B -q package -DskipTests`:
#   docker build -f helm/images/slack-endpoint.Dockerfile -t flagstaff/slack-endpoint:0.1.0 .
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 flagstaff \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin flagstaff

COPY slack-endpoint/target/flagstaff-slack-endpoint.jar /app/flagstaff-slack-endpoint.jar

# Class-data sharing (AppCDS): one training start, stopped after 15 s, writes the classes it loaded to
# /app/flagstaff-slack-endpoint.jsa; the chart's JAVA_TOOL_OPTIONS map it read-only (-XX:SharedArchiveFile),
# which P5 measured to halve the time to /readyz. Java 17 cannot create the archive at run time (-XX:+AutoCreateSharedArchive is Java
# 19+, and the root filesystem is read-only), so it is made here, by this image's JVM for this jar path. An image
# without the file starts without it (the JVM ignores a missing archive).
RUN echo '{"training": {"enabled": true}}' > /tmp/flags.json && env FLAGSTAFF_ENVIRONMENT=image-training FLAGSTAFF_FLAGS_FILE=/tmp/flags.json SLACK_SIGNING_SECRET=image-training-only-0123456789 SLACK_BOT_TOKEN=xoxb-image-training SLACK_API_URL=http://127.0.0.1:9/api/ FLAGSTAFF_BIND_ADDRESS=127.0.0.1 \
      timeout -s TERM 15 java -XX:ArchiveClassesAtExit=/app/flagstaff-slack-endpoint.jsa -XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:TieredStopAtLevel=1 -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=96m -jar /app/flagstaff-slack-endpoint.jar \
      > /tmp/training.log 2>&1; \
    rm -f /tmp/flags.json /tmp/training.log; chmod 444 /app/flagstaff-slack-endpoint.jsa 2>/dev/null || true

# The chart mounts the root filesystem read-only and an emptyDir at /tmp (the JVM's only scratch space).
# The chart's JVM flags (values.yaml, measured in benchmarks/results/P5.md): the heap is half the container's
# memory limit; an OutOfMemoryError restarts the pod instead of limping on.
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:TieredStopAtLevel=1 -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=96m -XX:SharedArchiveFile=/app/flagstaff-slack-endpoint.jsa -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8"
USER 10001:10001
WORKDIR /app
EXPOSE 8080 9090
ENTRYPOINT ["java", "-jar", "/app/flagstaff-slack-endpoint.jar"]
