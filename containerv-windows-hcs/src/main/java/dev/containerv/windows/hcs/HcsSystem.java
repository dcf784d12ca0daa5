package dev.containerv.windows.hcs;

/**
 * An open compute-system handle ({@code HCS_SYSTEM}); closed with {@link HcsApi#closeComputeSystem}.
 *
 * @param handle the opaque handle value
 * @param id     the compute system's id
 */
public record HcsSystem(long handle, String id) {
}
