package dev.containerv.testkit;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConformanceReportTest {
    @Test
    void theAreaIsTheSecondPartOfTheName() {
        assertThat(ConformanceReport.areaOf("required_lifecycle_destroyTwiceIsHarmless")).isEqualTo("lifecycle");
        assertThat(ConformanceReport.areaOf("optional_network_x_y")).isEqualTo("network");
        assertThat(ConformanceReport.areaOf("someHelper")).isEqualTo("other");
    }

    @Test
    void theReportCountsPerAreaAndListsEverySkipAndFailureWithItsReason() {
        ConformanceReport report = new ConformanceReport();
        report.add(new ConformanceReport.Result("processes", "required_processes_b", ConformanceReport.Outcome.FAILED, "expected 3\nbut was 0"));
        report.add(new ConformanceReport.Result("processes", "required_processes_a", ConformanceReport.Outcome.PASSED, ""));
        report.add(new ConformanceReport.Result("files", "required_files_c", ConformanceReport.Outcome.SKIPPED, "no FILE_TRANSFER"));
        report.add(new ConformanceReport.Result("files", "required_files_d", ConformanceReport.Outcome.PASSED, ""));

        String md = report.render("demo", "x.DemoTest");

        assertThat(md).contains("# Conformance of `demo`", "| files | 1 | 1 | 0 |", "| processes | 1 | 0 | 1 |",
                "| **all** | 2 | 1 | 1 |", "- `required_processes_b`: expected 3 but was 0", "- `required_files_c`: no FILE_TRANSFER");
        assertThat(md.indexOf("| files |")).isLessThan(md.indexOf("| processes |"));
        assertThat(md.indexOf("## Failed")).isLessThan(md.indexOf("## Skipped"));
        assertThat(report.results()).extracting(ConformanceReport.Result::test)
                .containsExactlyElementsOf(List.of("required_processes_b", "required_processes_a", "required_files_c", "required_files_d"));
    }
}
