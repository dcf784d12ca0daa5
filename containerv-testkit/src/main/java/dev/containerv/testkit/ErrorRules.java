package dev.containerv.testkit;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.Layer;
import dev.containerv.api.PolicyProfile;
import dev.containerv.api.ResourceLimits;
import dev.containerv.api.RuntimeFeature;
import dev.containerv.api.SecurityPolicy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static dev.containerv.testkit.ConformanceSupport.thrownBy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code errors} area of the conformance suite. Refusals by the provider: a path of the other guest's form,
 * and a setting the provider does not declare (limits, network addressing, a security policy, a capability), are
 * refused, never ignored. What the API's builders refuse on their own (bad ids, sizes, addresses, paths, id
 * mappings) no provider can get wrong, so containerv-api's tests check it, not this suite. Implemented by
 * {@link ContainerConformanceSuite}; see {@link ConformanceRules} for the names.
 */
public interface ErrorRules extends ConformanceRules {
    private static void assertInvalidSpec(Runnable action, String field) {
        assertThat(thrownBy(action::run))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining(field);
    }

    @Test
    default void required_errors_aPathOfTheOtherGuestFormIsRefusedByTheProvider() {
        String foreign = tck().fixture().guestOs() == GuestOs.WINDOWS ? "/src" : "C:\\src";
        assertInvalidSpec(() -> tck().shared().spawn(tck().fixture().printWorkingDirectory().workingDirectory(foreign).build()), "process.workingDirectory");
    }

    @Test
    default void optional_errors_aForeignLayerPathIsRefusedAndLeavesNothing() throws IOException {
        tck().requiresFeatures(RuntimeFeature.HOST_DIRECTORY_LAYERS);
        String foreign = tck().fixture().guestOs() == GuestOs.WINDOWS ? "/src" : "C:\\src";
        String id = tck().newId();
        Path dir = tck().hostTempDir();
        assertInvalidSpec(() -> tck().create(tck().specBuilder(id).layer(Layer.hostDirectory(dir, foreign, Access.READ_ONLY)).build()), "layer");
        assertThat(tck().runtime().list()).doesNotContain(id);
    }

    @Test
    default void required_errors_limitsAreHonouredOrRefusedNeverIgnored() {
        Assumptions.assumeFalse(tck().runtime().features().contains(RuntimeFeature.RESOURCE_LIMITS),
                "the provider declares RESOURCE_LIMITS; the resources tests check that it honours them");
        String id = tck().newId();
        assertThat(thrownBy(() -> tck().create(tck().specBuilder(id).limits(ResourceLimits.builder().memoryMax("1G").build()).build())))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
        assertThat(tck().runtime().list()).doesNotContain(id);
    }

    @Test
    default void optional_errors_networkAddressingIsHonouredOrRefusedNeverIgnored() {
        tck().requires(Capability.NETWORK);
        Assumptions.assumeFalse(tck().runtime().features().contains(RuntimeFeature.NETWORK_ADDRESSING),
                "the provider declares NETWORK_ADDRESSING; the network tests check that it honours it");
        String id = tck().newId();
        assertThat(thrownBy(() -> tck().create(tck().specBuilder(id).capabilities(tck().with(Capability.NETWORK)).network(tck().testNetwork()).build())))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
        assertThat(tck().runtime().list()).doesNotContain(id);
    }

    @Test
    default void required_errors_aSecurityPolicyIsHonouredOrRefusedNeverIgnored() {
        Assumptions.assumeFalse(tck().runtime().features().contains(RuntimeFeature.SECURITY_POLICY),
                "the provider declares SECURITY_POLICY");
        String id = tck().newId();
        assertThat(thrownBy(() -> tck().create(tck().specBuilder(id).policy(SecurityPolicy.of(PolicyProfile.BUILD)).build())))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
        assertThat(tck().runtime().list()).doesNotContain(id);
    }

    @Test
    default void required_errors_aCapabilityTheProviderLacksIsRefused() {
        List<Capability> missing = Arrays.stream(Capability.values()).filter(c -> !tck().runtime().capabilities().contains(c))
                .collect(Collectors.toList());
        Assumptions.assumeFalse(missing.isEmpty(), "the provider declares every capability");
        for (Capability c : missing) {
            String id = tck().newId();
            assertThat(thrownBy(() -> tck().create(tck().specBuilder(id).capabilities(tck().with(c)).build())))
                    .as("capability %s is not declared, so create must refuse it", c)
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
            assertThat(tck().runtime().list()).doesNotContain(id);
        }
    }
}
