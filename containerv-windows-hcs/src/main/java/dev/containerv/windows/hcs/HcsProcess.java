package dev.containerv.windows.hcs;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * An open process handle ({@code HCS_PROCESS}) with the std pipes HCS created; closed with
 * {@link HcsApi#closeProcess}. Streams not asked for are empty (input) or discarding (output); closing
 * a stream closes its pipe.
 *
 * @param handle    the opaque handle value
 * @param processId the process id HCS reports (a host pid under process isolation)
 * @param stdin     the process's standard input
 * @param stdout    its standard output
 * @param stderr    its standard error
 */
public record HcsProcess(long handle, int processId, OutputStream stdin, InputStream stdout, InputStream stderr) {
}
