package dev.containerv.windows;

/** How a Windows container is isolated from the host. */
public enum Isolation {
    /** A server silo sharing the host kernel; the image's OS build must match the host's. The default. */
    PROCESS,
    /**
     * A container inside a lightweight utility VM with its own kernel. Needs Hyper-V.
     *
     * <p>Not offered yet: {@code create} refuses it with {@code NOT_SUPPORTED}, because the utility VM is never
     * granted access to its scratch VHDX (HcsGrantVmAccess), its SCSI controller is not keyed by a controller GUID,
     * and the hosted container gets no scratch inside the VM. {@code describe} and {@code describeUtilityVm}
     * show the draft documents.
     */
    HYPERV
}
