package dev.containerv.windows.hcs;

import dev.containerv.windows.schema.ErrorEvent;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.ResultError;

import java.util.Objects;

/**
 * A failed HCS, HCN or Win32 call below the {@link HcsApi} seam: the C function, its HRESULT and the
 * text of the result document's {@code ErrorMessage} and {@code ErrorEvents}, when HCS gave one. The provider
 * turns it into a {@code ContainerException} that names the containerv operation and container.
 */
public final class HcsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int hresult;
    private final String detail;

    /**
     * @param call    the C function that failed, such as {@code HcsStartComputeSystem}
     * @param hresult its HRESULT
     * @param detail  what the result document said, or {@code null}
     */
    public HcsException(String call, int hresult, String detail) {
        super(call + " failed: " + HResult.describe(hresult) + " (" + HResult.info(hresult).explanation() + ")"
                + (detail == null || detail.isBlank() ? "" : ": " + detail));
        this.call = Objects.requireNonNull(call, "call");
        this.hresult = hresult;
        this.detail = detail;
    }

    /** A failure whose result document (possibly {@code null} or not JSON) is turned into the detail. */
    public static HcsException fromResult(String call, int hresult, String resultDocument) {
        return new HcsException(call, hresult, detailOf(resultDocument));
    }

    /** The C function that failed. */
    public String call() {
        return call;
    }

    /** Its HRESULT. */
    public int hresult() {
        return hresult;
    }

    /** What HCS said about it, if anything. */
    public String detail() {
        return detail;
    }

    /** {@code true} if the system or process is gone. */
    public boolean isNotExist() {
        return HResult.isNotExist(hresult);
    }

    /** {@code true} if the system or process has stopped already. */
    public boolean isAlreadyStopped() {
        return HResult.isAlreadyStopped(hresult);
    }

    /** {@code true} if the call timed out (the work may go on). */
    public boolean isTimeout() {
        return hresult == HResult.HCS_E_OPERATION_TIMEOUT;
    }

    /** The ErrorMessage and ErrorEvents messages of a ResultError document; the raw text if it is not one. */
    static String detailOf(String resultDocument) {
        if (resultDocument == null || resultDocument.isBlank()) {
            return null;
        }
        try {
            ResultError error = Json.read(resultDocument, ResultError.class);
            StringBuilder sb = new StringBuilder();
            if (error.errorMessage() != null) {
                sb.append(error.errorMessage());
            }
            if (error.errorEvents() != null) {
                for (ErrorEvent event : error.errorEvents()) {
                    if (event.message() != null && !event.message().isBlank()) {
                        sb.append(sb.length() == 0 ? "" : "; ").append(event.message().strip());
                        if (event.provider() != null) {
                            sb.append(" [").append(event.provider()).append(']');
                        }
                    }
                }
            }
            return sb.length() == 0 ? resultDocument.strip() : sb.toString();
        } catch (IllegalArgumentException notJson) {
            return resultDocument.strip();
        }
    }
}
