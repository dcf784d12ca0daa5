/** The containerv conformance suite: every provider extends it to prove it behaves like the others. */
module dev.containerv.testkit {
    requires transitive dev.containerv.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires transitive org.junit.platform.launcher;

    exports dev.containerv.testkit;
}
