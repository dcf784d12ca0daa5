package dev.containerv.api;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessDefaultsTest {
    private static final ProcessDefaults DEFAULTS = ProcessDefaults.builder()
            .environment(Map.of("A", "container", "B", "container")).workingDirectory("/src").user("1000:1000").build();

    @Test
    void aProcessGetsTheDefaultsItDoesNotSetItself() {
        ProcessSpec p = DEFAULTS.applyTo(ProcessSpec.builder("make").onStdoutLine(l -> { }).build());
        assertThat(p.environment()).containsEntry("A", "container").containsEntry("B", "container");
        assertThat(p.workingDirectory()).contains("/src");
        assertThat(p.user()).contains("1000:1000");
        assertThat(p.stdoutLines()).as("the line consumer is kept").isPresent();
    }

    @Test
    void theProcessesOwnValuesWin() {
        ProcessSpec p = DEFAULTS.applyTo(ProcessSpec.builder("make").environment("B", "process").workingDirectory("/tmp").user("0").build());
        assertThat(p.environment()).containsEntry("A", "container").containsEntry("B", "process");
        assertThat(p.workingDirectory()).contains("/tmp");
        assertThat(p.user()).contains("0");
    }

    @Test
    void aProcessWithoutTheDefaultEnvironmentGetsOnlyItsOwnVariables() {
        ProcessSpec p = DEFAULTS.applyTo(ProcessSpec.builder("env").defaultEnvironment(false).environment("ONLY", "me").build());
        assertThat(p.environment()).containsExactly(Map.entry("ONLY", "me"));
    }

    @Test
    void onlyTheNamedHostVariablesAreInheritedAndAMissingOneIsSkipped() {
        String name = System.getenv().keySet().stream().filter(n -> !n.contains("=")).findFirst().orElseThrow();
        ProcessDefaults d = ProcessDefaults.builder().inheritHostVariables(name, "CONTAINERV_NO_SUCH_VARIABLE_42").build();
        assertThat(d.environment()).containsExactly(Map.entry(name, System.getenv(name)));
        assertThat(d.toString()).as("values are not shown").doesNotContain("=" + System.getenv(name));
    }

    @Test
    void noDefaultsLeaveTheProcessAsItIs() {
        ProcessSpec p = ProcessSpec.of("true");
        assertThat(ProcessDefaults.none().applyTo(p)).isSameAs(p);
        assertThat(ContainerSpec.builder().rootfs(Path.of("/r")).build().processDefaults().isEmpty()).isTrue();
    }

    @Test
    void theSpecKeepsItsDefaultsThroughToBuilder() {
        ContainerSpec spec = ContainerSpec.builder().rootfs(Path.of("/r")).processDefaults(DEFAULTS).build();
        assertThat(spec.toBuilder().build().processDefaults()).isSameAs(DEFAULTS);
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> ProcessDefaults.builder().workingDirectory("relative")).isInstanceOf(ContainerException.class)
                .hasMessageContaining("processDefaults.workingDirectory");
        assertThatThrownBy(() -> ProcessDefaults.builder().user("bad user!")).isInstanceOf(ContainerException.class)
                .hasMessageContaining("processDefaults.user");
        assertThatThrownBy(() -> ProcessDefaults.builder().environment("A=B", "x")).isInstanceOf(ContainerException.class)
                .hasMessageContaining("processDefaults.environment");
    }
}
