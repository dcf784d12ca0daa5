package dev.containerv.testkit;

import dev.containerv.testkit.reference.Flaw;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit tested the way the reactive-streams TCK tests itself: the suite runs in-process (EngineTestKit)
 * against the reference host-process provider, which must pass everything it claims, and against broken
 * variants of it, each of which must make the matching tests fail.
 */
class ConformanceSuiteMetaTest {
    /** What one run of the suite gave, per test method. */
    record Outcomes(Map<String, TestExecutionResult> byTest) {
        List<String> with(TestExecutionResult.Status status) {
            return byTest.entrySet().stream().filter(e -> e.getValue().getStatus() == status).map(Map.Entry::getKey).toList();
        }

        Map<String, String> failures() {
            Map<String, String> failed = new TreeMap<>();
            with(TestExecutionResult.Status.FAILED).forEach(t -> failed.put(t, messageOf(t)));
            return failed;
        }

        String messageOf(String test) {
            return byTest.get(test).getThrowable().map(String::valueOf).orElse("");
        }
    }

    private static Outcomes run(Set<Flaw> flaws, Function<String, String> env, String... methods) {
        HostProcessSuite.configure(flaws, env);
        return run(HostProcessSuite.class, methods);
    }

    private static Outcomes run(Class<? extends ContainerConformanceSuite> suite, String... methods) {
        EngineTestKit.Builder kit = EngineTestKit.engine("junit-jupiter");
        if (methods.length == 0) {
            kit.selectors(DiscoverySelectors.selectClass(suite));
        } else {
            kit.selectors(Stream.of(methods).map(m -> DiscoverySelectors.selectMethod(suite, m))
                    .toArray(org.junit.platform.engine.DiscoverySelector[]::new));
        }
        EngineExecutionResults results = kit.execute();
        assertThat(results.containerEvents().failed().count()).as("the suite class itself must not fail: %s",
                results.containerEvents().failed().list()).isZero();
        Map<String, TestExecutionResult> byTest = new TreeMap<>();
        for (Event e : results.testEvents().list()) {
            if (e.getType() == EventType.FINISHED) {
                String name = ((org.junit.platform.engine.support.descriptor.MethodSource) e.getTestDescriptor().getSource().orElseThrow()).getMethodName();
                byTest.put(name, e.getRequiredPayload(TestExecutionResult.class));
            }
        }
        return new Outcomes(byTest);
    }

    @AfterEach
    void resetTheReferenceProvider() {
        HostProcessSuite.configure(Set.of(), name -> null);
    }

    @Test
    void theReferenceProviderPassesEverythingItClaimsAndEverySkipSaysWhy() throws IOException {
        Outcomes o = run(Set.of(), name -> null);
        assertThat(o.with(TestExecutionResult.Status.FAILED)).as("failures: %s", o.failures()).isEmpty();
        assertThat(o.byTest()).hasSizeGreaterThanOrEqualTo(60);
        assertThat(o.with(TestExecutionResult.Status.SUCCESSFUL)).hasSizeGreaterThanOrEqualTo(45)
                .allMatch(n -> n.startsWith("required_") || n.startsWith("optional_"));
        for (String skipped : o.with(TestExecutionResult.Status.ABORTED)) {
            assertThat(o.messageOf(skipped)).as(skipped).containsAnyOf("does not declare", "isolation cannot be verified",
                    "the provider declares");
        }
        // What a provider without isolation and without limits must still be checked for.
        assertThat(o.with(TestExecutionResult.Status.SUCCESSFUL)).contains(
                "required_errors_aCapabilityTheProviderLacksIsRefused",
                "required_errors_limitsAreHonouredOrRefusedNeverIgnored",
                "optional_files_uploadIntoADirectoryThatIsASymlinkOutsideStaysInside",
                "required_lifecycle_destroyLeavesNothingOnTheHost",
                "required_security_writesNeverReachTheBaseRootfs", "required_security_aHostPathThatIsNotALayerIsUnreachable");
        Path report = Path.of("target", "conformance-host-process.md");
        assertThat(report).exists();
        String text = Files.readString(report);
        assertThat(text).contains("| area | passed | skipped | failed |", "| lifecycle |", "| processes |", "| files |",
                "| isolation | 0 |", "| security | 2 |", "| class | passed | skipped | failed |", "| required |", "| optional |", "## Skipped",
                "host processes share the host's namespaces", "## Every test").doesNotContain("## Failed");
        String everyTest = text.substring(text.indexOf("## Every test"));
        for (String test : o.byTest().keySet()) {
            assertThat(everyTest).as("the report's list of every test").contains("| " + ConformanceReport.ruleClassOf(test) + " | `" + test + "` |");
        }
    }

    @Test
    void optionalRulesAreExactlyTheOnesSkippedForAProviderThatDeclaresNothing() {
        Outcomes o = run(SuiteOfAProviderThatDeclaresNothing.class);
        assertThat(o.with(TestExecutionResult.Status.FAILED)).as("failures: %s", o.failures()).isEmpty();
        List<String> optional = o.byTest().keySet().stream().filter(t -> t.startsWith("optional_")).toList();
        List<String> required = o.byTest().keySet().stream().filter(t -> t.startsWith("required_")).toList();
        assertThat(optional.size() + required.size()).as("every rule is required_ or optional_: %s", o.byTest().keySet())
                .isEqualTo(o.byTest().size());
        assertThat(optional).isNotEmpty().allSatisfy(t -> {
            assertThat(o.byTest().get(t).getStatus()).as(t).isEqualTo(TestExecutionResult.Status.ABORTED);
            assertThat(o.messageOf(t)).as(t).contains("does not declare");
        });
        assertThat(required).isNotEmpty().allSatisfy(t -> assertThat(o.messageOf(t)).as(t).doesNotContain("does not declare"));
    }

    static Stream<Arguments> flawsAndTheTestsThatCatchThem() {
        return Stream.of(
                Arguments.of(Flaw.DROPS_STDERR, List.of("required_processes_stdoutAndStderrAreSeparate",
                        "required_processes_largeOutputOnBothStreamsAtOnceIsComplete")),
                Arguments.of(Flaw.IGNORES_WORKING_DIRECTORY, List.of("required_processes_workingDirectoryIsHonoured",
                        "required_processes_aMissingWorkingDirectoryFailsClearly")),
                Arguments.of(Flaw.LOSES_EXIT_CODES, List.of("required_processes_exitCodesComeBackExactly",
                        "required_processes_killGivesExitValue128PlusTheSignal", "optional_processes_termAndOtherSignalsAreDelivered",
                        "required_processes_onExitCompletesWithTheProcess", "required_processes_killingAnExitedProcessIsHarmless",
                        "required_processes_destroyOfAnExitedProcessIsHarmless")),
                Arguments.of(Flaw.IGNORES_UPLOAD_MODE, List.of("optional_files_modesAreKept")),
                // Every test that destroys a container checks for debris afterwards, not only the one about it.
                Arguments.of(Flaw.LEAVES_ROOT_BEHIND, List.of("required_lifecycle_destroyLeavesNothingOnTheHost",
                        "required_lifecycle_twoContainersAtOnceAreSeparate", "required_lifecycle_destroyTwiceIsHarmless")),
                Arguments.of(Flaw.ACCEPTS_UNDECLARED_CAPABILITIES, List.of("required_errors_aCapabilityTheProviderLacksIsRefused")),
                Arguments.of(Flaw.IGNORES_ROOT_LAYERS, List.of("required_rootfs_layersAreHonouredOrRefusedNeverIgnored")),
                Arguments.of(Flaw.IGNORES_READ_ONLY_ROOT, List.of("required_rootfs_readOnlyRootIsHonouredOrRefusedNeverIgnored")),
                Arguments.of(Flaw.CLAIMS_LIMITS_BUT_IGNORES_THEM, List.of("optional_resources_memoryLimitIsEnforced",
                        "optional_resources_pidsLimitIsEnforced")),
                Arguments.of(Flaw.FOLLOWS_SYMLINKS, List.of("optional_files_uploadOntoAContainerSymlinkToAHostPathLeavesTheHostFileAlone",
                        "optional_files_uploadIntoADirectoryThatIsASymlinkOutsideStaysInside",
                        "optional_files_downloadOfASymlinkToAHostPathDoesNotLeakTheHostFile")),
                Arguments.of(Flaw.COPIES_ONTO_THE_DESTINATION, List.of("optional_files_uploadOfAFileIntoAnExistingDirectoryPutsItInside",
                        "optional_files_uploadOfADirectoryIntoAnExistingDirectoryNestsItThenMerges", "optional_files_uploadOfADirectoryOntoAFileIsRefused",
                        "optional_files_uploadToAMissingPathWithATrailingSeparatorIsNotFound",
                        "optional_files_downloadOfAFileIntoAnExistingDirectoryPutsItInside",
                        "optional_files_downloadOfADirectoryIntoAnExistingDirectoryNestsItThenMerges", "optional_files_downloadOfADirectoryOntoAFileIsRefused")),
                Arguments.of(Flaw.DESTROY_NOT_IDEMPOTENT, List.of("required_lifecycle_destroyTwiceIsHarmless",
                        "required_lifecycle_closeAfterDestroyIsHarmless")),
                Arguments.of(Flaw.SHARES_ONE_ROOT, List.of("required_lifecycle_twoContainersAtOnceAreSeparate")),
                Arguments.of(Flaw.SPLITS_ARGUMENTS_ON_SPACES, List.of("required_processes_argumentsWithSpacesQuotesAndNonAsciiArriveIntact")),
                Arguments.of(Flaw.DROPS_ENVIRONMENT, List.of("required_processes_environmentIsPassed",
                        "required_processes_environmentWithoutDefaultsHasOnlyWhatIsGiven")),
                Arguments.of(Flaw.ALWAYS_ADDS_DEFAULT_ENVIRONMENT, List.of("required_processes_environmentWithoutDefaultsHasOnlyWhatIsGiven")),
                Arguments.of(Flaw.STATS_NEVER_MOVE, List.of("optional_resources_statsMoveAfterWork")),
                Arguments.of(Flaw.KEEPS_PROCESSES_AFTER_DESTROY, List.of("required_lifecycle_destroyWhileProcessesRunEndsThem")),
                Arguments.of(Flaw.CLOSES_INHERITED_STDIN, List.of("required_processes_inheritedStdinReadsTheJvmsStdinAndLeavesItOpen")),
                Arguments.of(Flaw.DESTROY_THROWS_WHEN_GONE, List.of("required_processes_destroyOfAnExitedProcessIsHarmless")),
                Arguments.of(Flaw.SHARES_THE_BASE_ETC, List.of("required_security_writesNeverReachTheBaseRootfs")),
                Arguments.of(Flaw.SHARES_THE_HOST_TMP, List.of("required_security_aHostPathThatIsNotALayerIsUnreachable")),
                // Isolation the reference lacks, claimed: the security rule that needs it must see through the claim.
                Arguments.of(Flaw.CLAIMS_ISOLATION, List.of("required_security_hostProcessesAreInvisibleAndCannotBeSignalled")));
    }

    @ParameterizedTest(name = "{0} fails {1}")
    @MethodSource("flawsAndTheTestsThatCatchThem")
    void aBrokenProviderFailsTheMatchingTests(Flaw flaw, List<String> catching) {
        Outcomes broken = run(EnumSet.of(flaw), name -> null, catching.toArray(String[]::new));
        assertThat(broken.with(TestExecutionResult.Status.FAILED)).as("outcomes with %s: %s", flaw, broken.byTest())
                .containsExactlyInAnyOrderElementsOf(catching);
        // Control: the same tests pass against the provider without the flaw, so the failure is the flaw's doing.
        // The sound provider declares no limits, so there the limit tests are skipped instead.
        // Likewise a sound reference says isolation cannot be verified, so the isolation-bound rules are skipped there.
        TestExecutionResult.Status expected = flaw == Flaw.CLAIMS_LIMITS_BUT_IGNORES_THEM || flaw == Flaw.CLAIMS_ISOLATION
                ? TestExecutionResult.Status.ABORTED : TestExecutionResult.Status.SUCCESSFUL;
        Outcomes sound = run(Set.of(), name -> null, catching.toArray(String[]::new));
        assertThat(sound.with(expected)).as("outcomes without a flaw: %s", sound.byTest())
                .containsExactlyInAnyOrderElementsOf(catching);
    }

    /** Tests that need a container, including ones that expect create to fail or create it on another thread. */
    private static final String[] NEEDS_A_CONTAINER = {
        "required_lifecycle_createGivesTheSpecsIdAndSpec", "required_processes_exitCodesComeBackExactly", "optional_files_modesAreKept",
        "required_errors_aCapabilityTheProviderLacksIsRefused", "required_errors_limitsAreHonouredOrRefusedNeverIgnored",
        "required_lifecycle_aMissingRootfsFailsAndLeavesNothing", "required_processes_hundredConcurrentSpawnsAllSucceed"};

    @Test
    void aSuiteThatDoesNotLookForLeftoversSkipsTheDebrisTestSayingSo() {
        String test = "required_lifecycle_destroyLeavesNothingOnTheHost";
        Outcomes o = run(SuiteWithoutLeftoverCheck.class, test);
        assertThat(o.with(TestExecutionResult.Status.ABORTED)).containsExactly(test);
        assertThat(o.messageOf(test)).contains("host-process-unchecked", "does not look for what a destroyed container leaves",
                "hostLeftovers(String) answers empty");
    }

    @Test
    void withoutPrivilegesTheTestsAreSkippedWithTheReason() {
        Outcomes o = run(EnumSet.of(Flaw.NO_PRIVILEGES), name -> null, NEEDS_A_CONTAINER);
        assertThat(o.with(TestExecutionResult.Status.ABORTED)).containsExactlyInAnyOrder(NEEDS_A_CONTAINER);
        for (String test : NEEDS_A_CONTAINER) {
            assertThat(o.messageOf(test)).contains("cannot create containers here for lack of privileges", "needs root", "errno EPERM");
        }
    }

    @Test
    void requirePrivilegedTurnsTheSkipsIntoFailures() {
        Outcomes o = run(EnumSet.of(Flaw.NO_PRIVILEGES), Map.of(Privileges.REQUIRE_PRIVILEGED_ENV, "1")::get, NEEDS_A_CONTAINER);
        assertThat(o.with(TestExecutionResult.Status.FAILED)).containsExactlyInAnyOrder(NEEDS_A_CONTAINER);
        for (String test : NEEDS_A_CONTAINER) {
            assertThat(o.messageOf(test)).contains("CONTAINERV_REQUIRE_PRIVILEGED=1", "needs root");
        }
    }

    @Test
    void aHungProviderFailsTheTestInsteadOfHangingTheBuild() {
        long t0 = System.nanoTime();
        Outcomes o = run(EnumSet.of(Flaw.SPAWN_HANGS), Map.of(ContainerConformanceSuite.TIMEOUT_ENV, "2")::get,
                "required_processes_exitCodesComeBackExactly");
        assertThat(o.with(TestExecutionResult.Status.FAILED)).containsExactly("required_processes_exitCodesComeBackExactly");
        assertThat(o.messageOf("required_processes_exitCodesComeBackExactly")).contains("did not finish within 2 s", "host-process");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(30));
    }

    @Test
    void aBadTimeoutValueIsRefusedNamingTheVariable() {
        String test = "required_errors_aSecurityPolicyIsHonouredOrRefusedNeverIgnored";
        Outcomes o = run(Set.of(), Map.of(ContainerConformanceSuite.TIMEOUT_ENV, "soon")::get, test);
        assertThat(o.with(TestExecutionResult.Status.FAILED)).containsExactly(test);
        assertThat(o.messageOf(test)).contains("CONTAINERV_TCK_TIMEOUT", "'soon'", "positive number of seconds");
    }

    @Test
    void requirePrivilegedDoesNotTouchAProviderThatHasThem() {
        Outcomes o = run(Set.of(), Map.of(Privileges.REQUIRE_PRIVILEGED_ENV, "1")::get, NEEDS_A_CONTAINER);
        assertThat(o.with(TestExecutionResult.Status.SUCCESSFUL)).containsExactlyInAnyOrder(NEEDS_A_CONTAINER);
    }
}
