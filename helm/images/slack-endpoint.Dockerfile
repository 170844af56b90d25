# The flagstaff/slack-endpoint image the chart runs: the shaded jar on a Java 17 JRE, as a non-root user.
# Build from the repository root after `mvn -B -q package -DskipTests`:
#   docker build -f helm/images/slack-endpoint.Dockerfile -t flagstaff/slack-endpoint:0.1.0 .
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 flagstaff \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin flagstaff

COPY slack-endpoint/target/flagstaff-slack-endpoint.jar /app/flagstaff-slack-endpoint.jar

# Class-data sharing (AppCDS): a static archive /app/flagstaff-slack-endpoint.jsa of the classes listed in
# helm/images/flagstaff-slack-endpoint.classlist, the ones this jar loaded in a start on a real API server with 1,000 flags
# (recorded with -XX:DumpLoadedClassList by benchmarks/p5-classlists.sh, informer path and management port included;
# a build has no cluster to train against). The chart's JAVA_TOOL_OPTIONS map it read-only (-XX:SharedArchiveFile);
# measured in benchmarks/results/P5.md. Java 17 cannot create an archive at run time (-XX:+AutoCreateSharedArchive
# is Java 19+, and the root filesystem is read-only), so it is made here, by this image's JVM for this jar path. A
# listed class the jar no longer has is skipped (a warning); an image without the file starts without it.
COPY helm/images/flagstaff-slack-endpoint.classlist /tmp/flagstaff-slack-endpoint.classlist
RUN java -Xshare:dump -XX:SharedClassListFile=/tmp/flagstaff-slack-endpoint.classlist -XX:SharedArchiveFile=/app/flagstaff-slack-endpoint.jsa -XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:TieredStopAtLevel=1 -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=96m -jar /app/flagstaff-slack-endpoint.jar \
      > /tmp/dump.log 2>&1 || { cat /tmp/dump.log; exit 1; }; \
    rm -f /tmp/dump.log /tmp/flagstaff-slack-endpoint.classlist; chmod 444 /app/flagstaff-slack-endpoint.jsa

# The chart mounts the root filesystem read-only and an emptyDir at /tmp (the JVM's only scratch space).
# The chart's JVM flags (values.yaml, measured in benchmarks/results/P5.md): the heap is half the container's
# memory limit; an OutOfMemoryError restarts the pod instead of limping on.
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:TieredStopAtLevel=1 -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=96m -XX:NewRatio=5 -XX:SharedArchiveFile=/app/flagstaff-slack-endpoint.jsa -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8"
USER 10001:10001
WORKDIR /app
EXPOSE 8080 9090
ENTRYPOINT ["java", "-jar", "/app/flagstaff-slack-endpoint.jar"]
