package dev.containerv.linux.userns;

import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.IdMapping;
import dev.containerv.linux.plan.LaunchPlan;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Collections;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdMapsTest {
    private static final Path ROOT = Path.of("/srv/root");

    private static ContainerSpec.Builder users() {
        return ContainerSpec.builder().id("c").rootfs(ROOT).capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.USERS);
    }

    @Test
    void linesAreInTheKernelsColumnOrderInsideOutsideCount() {
        assertThat(IdMaps.lines(java.util.List.of(new IdMapping(0, 100000, 65536), new IdMapping(65536, 300000, 10))))
                .containsExactly("0 100000 65536", "65536 300000 10");
    }

    @Test
    void aSpecWithoutUsersHasNoMapsAndTheRootIdsAreThoseContainerIdZeroMapsTo() {
        assertThat(IdMaps.of(ContainerSpec.builder().id("c").rootfs(ROOT).build())).isEmpty();
        IdMaps maps = IdMaps.of(users().uidMappings(new IdMapping(1000, 5000, 1), new IdMapping(0, 100000, 1000))
                .gidMappings(new IdMapping(0, 200000, 65536)).build()).orElseThrow();
        assertThat(maps.rootUid()).isEqualTo(100000);
        assertThat(maps.rootGid()).isEqualTo(200000);
    }

    @Test
    void usersNeedsBothKindsOfMappingEachMappingContainerIdZeroAndAtMost340() {
        assertInvalid(users().build(), "uidMappings", "at least one mapping");
        assertInvalid(users().uidMappings(new IdMapping(0, 100000, 10)).build(), "gidMappings", "at least one mapping");
        assertInvalid(users().uidMappings(new IdMapping(1, 100000, 10)).gidMappings(new IdMapping(0, 100000, 10)).build(),
                "uidMappings", "container id 0");
        assertInvalid(users().uidMappings(new IdMapping(0, 100000, 10)).gidMappings(new IdMapping(5, 100000, 10)).build(),
                "gidMappings", "container id 0");
        IdMapping[] many = IntStream.range(0, 341).mapToObj(i -> new IdMapping(i, 100000 + i, 1)).toArray(IdMapping[]::new);
        assertInvalid(users().uidMappings(many).gidMappings(new IdMapping(0, 1, 1)).build(), "uidMappings", "at most 340");
        IdMapping[] enough = IntStream.range(0, 340).mapToObj(i -> new IdMapping(i, 100000 + i, 1)).toArray(IdMapping[]::new);
        assertThat(IdMaps.of(users().uidMappings(enough).gidMappings(new IdMapping(0, 1, 1)).build())).isPresent();
    }

    @Test
    void noHostRangeMayHoldHostIdZeroWhicheverContainerIdMapsToIt() {
        IdMapping ok = new IdMapping(0, 100000, 65536);
        assertInvalid(users().uidMappings(new IdMapping(0, 0, 65536)).gidMappings(ok).build(), "uidMappings",
                "leaves out host id 0");
        assertInvalid(users().uidMappings(ok).gidMappings(new IdMapping(0, 0, 1)).build(), "gidMappings",
                "IdMapping[containerStart=0, hostStart=0, count=1]");
        assertInvalid(users().uidMappings(new IdMapping(0, 100000, 1000), new IdMapping(1000, 0, 1)).gidMappings(ok).build(),
                "uidMappings", "maps container id 1000 to the host's root");
        assertThat(IdMaps.of(users().uidMappings(new IdMapping(0, 1, 1)).gidMappings(new IdMapping(0, 1, 1)).build())).isPresent();
    }

    private static void assertInvalid(ContainerSpec spec, String field, String accepted) {
        assertThatThrownBy(() -> IdMaps.of(spec)).isInstanceOfSatisfying(ContainerException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC)).hasMessageContaining(field).hasMessageContaining(accepted);
    }

    @Test
    void theSetupPutsTheMapsAndTheIdmappedLowerIntoThePlanAndIdmapsOnlyReadOnlyBinds() {
        IdMaps maps = new IdMaps(java.util.List.of(new IdMapping(0, 100000, 65536)), java.util.List.of(new IdMapping(0, 100000, 65536),
                new IdMapping(65536, 1000, 1)));
        LaunchPlan plan = new LaunchPlan("c", "c").stateDir(Path.of("/s"), Path.of("/s/control"))
                .overlay(ROOT, Path.of("/l/upper"), Path.of("/l/work"), Path.of("/l/merged"));
        UserNamespaceSetup.apply(plan, maps);
        UserNamespaceSetup.bind(plan, Path.of("/host/ro"), "/ro", true);
        UserNamespaceSetup.bind(plan, Path.of("/host/rw"), "/rw", false);
        assertThat(plan.render()).contains("merged /l/merged\nuid-map 0 100000 65536\ngid-map 0 100000 65536\ngid-map 65536 1000 1\n"
                + "idmap-lower\nbind-idmap /host/ro /ro\nbind /host/rw /rw rw\n");
        assertThat(Collections.frequency(plan.render().lines().toList(), "setgroups deny")).isZero();
    }
}
