package dev.containerv.windows.hcs;

/**
 * An open job-object handle; closed with {@link HcsApi#closeJobObject}.
 *
 * @param handle the handle value
 * @param name   the job's name
 */
public record HcsJob(long handle, String name) {
}
