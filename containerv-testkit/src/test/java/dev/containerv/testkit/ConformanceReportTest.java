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
    void theClassIsTheFirstPartOfTheName() {
        assertThat(ConformanceReport.ruleClassOf("required_lifecycle_destroyTwiceIsHarmless")).isEqualTo("required");
        assertThat(ConformanceReport.ruleClassOf("optional_network_x_y")).isEqualTo("optional");
        assertThat(ConformanceReport.ruleClassOf("untested_files_x")).isEqualTo("untested");
        assertThat(ConformanceReport.ruleClassOf("requiredish_files_x")).isEqualTo("other");
        assertThat(ConformanceReport.ruleClassOf("someHelper")).isEqualTo("other");
    }

    /** Two areas, two classes, each outcome once at least, added out of order. */
    private static ConformanceReport sample() {
        ConformanceReport report = new ConformanceReport();
        report.add(new ConformanceReport.Result("processes", "required_processes_b", ConformanceReport.Outcome.FAILED, "expected 3\nbut was 0"));
        report.add(new ConformanceReport.Result("processes", "required_processes_a", ConformanceReport.Outcome.PASSED, ""));
        report.add(new ConformanceReport.Result("files", "optional_files_c", ConformanceReport.Outcome.SKIPPED, "no FILE_TRANSFER"));
        report.add(new ConformanceReport.Result("files", "optional_files_d", ConformanceReport.Outcome.PASSED, ""));
        return report;
    }

    @Test
    void theReportCountsPerAreaAndClassAndListsEverySkipAndFailureWithItsReason() {
        ConformanceReport report = sample();

        String md = report.render("demo", "x.DemoTest");

        assertThat(md).contains("# Conformance of `demo`", "| area | passed | skipped | failed |", "| files | 1 | 1 | 0 |",
                "| processes | 1 | 0 | 1 |", "| **all** | 2 | 1 | 1 |",
                "| class | passed | skipped | failed |", "| optional | 1 | 1 | 0 |", "| required | 1 | 0 | 1 |",
                "- `required_processes_b`: expected 3 but was 0", "- `optional_files_c`: no FILE_TRANSFER");
        assertThat(md.indexOf("| files |")).isLessThan(md.indexOf("| processes |"));
        assertThat(md.indexOf("## Failed")).isLessThan(md.indexOf("## Skipped"));
        assertThat(report.results()).extracting(ConformanceReport.Result::test)
                .containsExactlyElementsOf(List.of("required_processes_b", "required_processes_a", "optional_files_c", "optional_files_d"));
    }

    @Test
    void theReportListsEveryTestWithItsAreaClassAndOutcome() {
        String md = sample().render("demo", "x.DemoTest");
        String every = md.substring(md.indexOf("## Every test"));

        assertThat(every).contains("| area | class | test | outcome |",
                "| files | optional | `optional_files_c` | skipped |", "| files | optional | `optional_files_d` | passed |",
                "| processes | required | `required_processes_a` | passed |",
                "| processes | required | `required_processes_b` | failed |");
        assertThat(every.indexOf("optional_files_c")).isLessThan(every.indexOf("required_processes_a"));
        assertThat(every.indexOf("required_processes_a")).isLessThan(every.indexOf("required_processes_b"));
    }
}
