package dev.containerv.linux.cgroup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/** The captured mountinfo and /proc/self/cgroup texts, and fake hosts built from them in a temp dir. */
final class Fixtures {
    /** The layouts with a captured fixture: this machine's (hybrid), a systemd v2 desktop, a CentOS 7 v1 host. */
    enum Host {
        HYBRID("hybrid", "hugetlb"),
        UNIFIED("unified", "cpuset cpu io memory hugetlb pids rdma misc"),
        LEGACY("legacy", "");

        final String fixture;
        final String v2Available;

        Host(String fixture, String v2Available) {
            this.fixture = fixture;
            this.v2Available = v2Available;
        }

        String mountinfo() {
            return resource(fixture + ".mountinfo");
        }

        String cgroup() {
            return resource(fixture + ".cgroup");
        }
    }

    private Fixtures() {
    }

    static String resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/cgroup/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource /cgroup/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A captured layout whose cgroup mounts live under {@code root} instead of {@code /}. */
    static CgroupLayout layoutUnder(Host host, Path root) {
        return CgroupLayout.parse(host.mountinfo().replace(" /sys/fs/cgroup", " " + root + "/sys/fs/cgroup"), host.cgroup());
    }

    /** A fake kernel with the hierarchies of {@code layout} mounted, the v2 root offering {@code v2Available}. */
    static FakeCgroupFs fakeKernel(CgroupLayout layout, String v2Available) throws IOException {
        FakeCgroupFs fs = new FakeCgroupFs();
        for (CgroupMount m : layout.legacy()) {
            fs.mount(m.mountPoint(), 1, m.controllers());
        }
        if (layout.unified().isPresent()) {
            fs.mount(layout.unified().get().mountPoint(), 2, Set.copyOf(CgroupManager.words(v2Available)));
        }
        return fs;
    }
}
