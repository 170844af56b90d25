package dev.flagstaff.testkit.kube;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against a real kube-apiserver + etcd on loopback ({@link RealApiServer}), started once per test
 * JVM and shared by every class so annotated; a test takes it as a {@link RealApiServer} parameter and works in a
 * namespace of its own ({@link RealApiServer#freshNamespace}).
 *
 * <p>Without the binaries ({@link KubeBinaries}) the class is skipped with one line saying how to enable it —
 * unless {@code FLAGSTAFF_REQUIRE_REAL_API=true} (as CI sets it), where a missing binary fails the class instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealApiServerExtension.class)
public @interface RealKubernetes {
}
