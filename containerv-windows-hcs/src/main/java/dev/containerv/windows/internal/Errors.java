package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.hcs.HcsException;

/** Turns {@link HcsException}s into {@link ContainerException}s naming the containerv operation and container. */
public final class Errors {
    private Errors() {
    }

    /** {@code windows::Container::start} for {@code "Container", "start"}. */
    public static String op(String object, String action) {
        return "windows::" + object + "::" + action;
    }

    /**
     * The mapped exception: kind from the HRESULT table, message with the explanation, the failed C function
     * and what HCS said, platform code {@code HRESULT 0x... NAME}; the HcsException is kept as the cause.
     */
    public static ContainerException map(String operation, String containerId, HcsException e) {
        HResult.Info info = HResult.info(e.hresult());
        String message = info.explanation() + " (" + e.call() + " failed" + (e.detail() == null ? "" : ": " + e.detail()) + ")";
        return ContainerException.builder(info.kind(), message)
                .operation(operation)
                .containerId(containerId)
                .platformCode(HResult.describe(e.hresult()))
                .cause(e)
                .build();
    }

    /** As {@link #map(String, String, HcsException)}, with what was being done put first. */
    public static ContainerException map(String operation, String containerId, String context, HcsException e) {
        HResult.Info info = HResult.info(e.hresult());
        String message = context + ": " + info.explanation() + " (" + e.call() + " failed" + (e.detail() == null ? "" : ": " + e.detail()) + ")";
        return ContainerException.builder(info.kind(), message)
                .operation(operation)
                .containerId(containerId)
                .platformCode(HResult.describe(e.hresult()))
                .cause(e)
                .build();
    }

    /**
     * As {@link #map(String, String, String, HcsException)}, but always {@link ErrorKind#PLATFORM_FAILURE}: for a
     * failed call that leaves the state of the thing unknown, whatever its HRESULT would mean elsewhere.
     */
    public static ContainerException platformFailure(String operation, String containerId, String context, HcsException e) {
        HResult.Info info = HResult.info(e.hresult());
        String message = context + ": " + info.explanation() + " (" + e.call() + " failed" + (e.detail() == null ? "" : ": " + e.detail()) + ")";
        return ContainerException.builder(ErrorKind.PLATFORM_FAILURE, message)
                .operation(operation)
                .containerId(containerId)
                .platformCode(HResult.describe(e.hresult()))
                .cause(e)
                .build();
    }

    /** A failure with no HRESULT, of the given kind. */
    public static ContainerException of(ErrorKind kind, String operation, String containerId, String message, Throwable cause) {
        return ContainerException.builder(kind, message).operation(operation).containerId(containerId).cause(cause).build();
    }
}
