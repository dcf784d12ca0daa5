/**
 * The JNA bindings: one interface per DLL ({@link dev.containerv.windows.jna.VmCompute},
 * {@link dev.containerv.windows.jna.ComputeCore}, {@link dev.containerv.windows.jna.ComputeNetwork},
 * {@link dev.containerv.windows.jna.Kernel32Extras}), a literal transcription of the C API with C names,
 * loaded lazily by {@link dev.containerv.windows.jna.Natives}. No Java style here: that lives one layer up,
 * in {@code dev.containerv.windows.hcs}. Not exported.
 */
package dev.containerv.windows.jna;
