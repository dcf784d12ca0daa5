/**
 * OCI and Docker images as container roots: {@link dev.containerv.images.ImageStore} reads OCI image layouts,
 * {@code docker save} archives and registries speaking the OCI distribution API, verifies every blob, and
 * unpacks each layer once into a content-addressed cache whose directories become a container's read-only
 * root layers. Depends on the API only, not on a provider.
 */
module dev.containerv.images {
    requires transitive dev.containerv.api;
    requires com.fasterxml.jackson.core;
    requires org.apache.commons.compress;
    // commons-compress only `requires static` it: naming it here resolves it on the module path for zstd layers.
    requires com.github.luben.zstd_jni;

    exports dev.containerv.images;
}
