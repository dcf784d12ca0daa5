package dev.containerv.images.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/...}); the image is
 * the manifest whose {@code org.opencontainers.image.ref.name} annotation is the tag asked for, or the only one.
 */
public final class OciLayoutSource implements ImageSource {
    private static final String REF_NAME = "org.opencontainers.image.ref.name";
    private final Path dir;
    private final String tag;

    /**
     * @param dir the layout directory
     * @param tag the ref name to pick, or null for the layout's only manifest
     */
    public OciLayoutSource(Path dir, String tag) {
        this.dir = dir;
        this.tag = tag;
    }

    @Override
    public ResolvedImage resolve() throws IOException {
        String what = "OCI layout " + dir;
        if (!Files.isRegularFile(dir.resolve("oci-layout")) || !Files.isRegularFile(dir.resolve("index.json"))) {
            throw new ContainerException(ErrorKind.NOT_FOUND, what + ": not an OCI image layout (no oci-layout or index.json)");
        }
        // As big as a manifest may be: the layout may come from anywhere, and is read whole.
        if (Files.size(dir.resolve("index.json")) > Manifests.MAX_JSON) {
            throw new ContainerException(ErrorKind.RESOURCE_LIMIT, what + ": index.json is larger than " + Manifests.MAX_JSON
                    + " bytes, the most a manifest or index may have");
        }
        Json index = Manifests.parse(Files.readAllBytes(dir.resolve("index.json")), what + " index.json");
        Descriptor chosen = null;
        var names = new ArrayList<String>();
        for (Json m : index.path("manifests")) {
            String name = m.path("annotations").path(REF_NAME).asText(null);
            names.add(String.valueOf(name));
            if (tag == null ? index.path("manifests").size() == 1 : tag.equals(name)) {
                chosen = Manifests.descriptor(m, what + " index.json");
            }
        }
        if (chosen == null) {
            throw new ContainerException(ErrorKind.NOT_FOUND, what + ": " + (tag == null
                    ? "holds " + names.size() + " manifests; name one of " + names
                    : "no manifest named " + tag + " (it has " + names + ")"));
        }
        byte[] top = Manifests.readVerified(open(chosen), chosen, what + " manifest " + chosen.digest());
        return Manifests.resolve(top, chosen.digest(), (d, manifest) -> open(d), what);
    }

    private InputStream open(Descriptor d) throws IOException {
        Path blob = dir.resolve("blobs").resolve("sha256").resolve(d.digest().hex());
        if (!Files.isRegularFile(blob)) {
            throw new ContainerException(ErrorKind.NOT_FOUND, "OCI layout " + dir + ": blob " + d.digest() + " is missing");
        }
        return Files.newInputStream(blob);
    }
}
