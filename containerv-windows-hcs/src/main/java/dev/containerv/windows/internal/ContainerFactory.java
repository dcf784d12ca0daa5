package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.spi.FileTrees;
import dev.containerv.windows.ContainerType;
import dev.containerv.windows.Isolation;
import dev.containerv.windows.WindowsOptions;
import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.HcsJob;
import dev.containerv.windows.hcs.HcsSystem;
import dev.containerv.windows.schema.ComputeSystem;
import dev.containerv.windows.schema.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Creates a container as one transaction: each step pushes its undo on an {@link UndoStack}; any failure runs
 * them all in reverse order, their own failures attached as suppressed; success hands the stack to the
 * {@link HcsContainer}, whose destroy runs it.
 */
public final class ContainerFactory {
    private static final System.Logger LOG = System.getLogger(ContainerFactory.class.getName());

    private ContainerFactory() {
    }

    /**
     * Creates and starts the container: staging folder, scratch layer (process isolation), network,
     * compute system(s), job object. All or nothing.
     */
    public static HcsContainer create(HcsApi hcs, ContainerSpec spec, Path stateRoot, HcsContainer.Timeouts timeouts) {
        String id = spec.id();
        String createOp = Errors.op("Container", "create");
        long start = dev.containerv.spi.LifecycleLog.start();
        WindowsOptions options = Documents.options(spec);
        UndoStack undo = new UndoStack();
        String step = createOp;
        try {
            Path stateDir = stateRoot.resolve(id);
            if (Files.exists(stateDir)) {
                throw ContainerException.builder(ErrorKind.ALREADY_EXISTS, "a container with this id exists already (its state folder " + stateDir + " is present)")
                        .operation(createOp).containerId(id).build();
            }
            Path staging = stateDir.resolve("staging");
            Files.createDirectories(staging);
            undo.push(() -> {
                try {
                    FileTrees.deleteTree(stateDir);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove the state folder " + stateDir, e);
                }
            });

            ScratchLayer.Plan plan = ScratchLayer.plan(spec.rootfs(), options.parentLayers().map(l -> l.stream().map(HostPaths::of).toList()),
                    stateDir, createOp, id);
            List<String> parents = plan.parents().stream().map(HostPaths::of).toList();

            String scratch = null;
            if (options.isolation() == Isolation.PROCESS) {
                step = Errors.op("Container", "mountScratch");
                scratch = ScratchLayer.mount(hcs, plan, undo, step, id);
            }

            String namespace = null;
            if (spec.network().isPresent()) {
                step = Errors.op("Container", "attachNetwork");
                namespace = HnsAttachment.attach(hcs, spec.network().get(), options, id, undo, step);
            }

            step = createOp;
            ContainerSpec docSpec = Documents.clampProcessors(spec, Runtime.getRuntime().availableProcessors());
            Documents.Inputs inputs = new Documents.Inputs(docSpec, options, parents, n -> hcs.nameToGuid(n), scratch, namespace, staging.toString());
            HcsSystem uvm = null;
            Optional<ComputeSystem> uvmDoc = Documents.utilityVmDocument(inputs);
            if (uvmDoc.isPresent()) {
                step = Errors.op("UtilityVm", "create");
                if (options.containerType() == ContainerType.WINDOWS) {
                    copyUtilityVmScratch(Path.of(Documents.utilityVmImage(inputs)), spec, undo, step);
                }
                uvm = hcs.createComputeSystem(Documents.utilityVmId(id), Json.write(uvmDoc.get()), timeouts.create());
                undo.push(stopAndClose(hcs, uvm, timeouts));
                step = Errors.op("UtilityVm", "start");
                hcs.startComputeSystem(uvm, timeouts.start());
            }
            step = createOp;
            HcsSystem system = hcs.createComputeSystem(id, Json.write(Documents.containerDocument(inputs)), timeouts.create());
            undo.push(stopAndClose(hcs, system, timeouts));
            step = Errors.op("Container", "start");
            hcs.startComputeSystem(system, timeouts.start());

            HcsJob job = null;
            if (spec.limits().pidsMax().isPresent()) {
                step = Errors.op("Container", "limitProcesses");
                HcsJob created = hcs.createJobObject("containerv-" + id, spec.limits().pidsMax().getAsLong());
                undo.push(() -> {
                    try {
                        hcs.terminateJobObject(created, 1);
                    } finally {
                        hcs.closeJobObject(created);
                    }
                });
                job = created;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "created Windows container " + id + " through " + hcs.family());
            HcsContainer created = new HcsContainer(hcs, spec, options, timeouts, stateDir, staging, undo, system, uvm, job);
            dev.containerv.spi.LifecycleLog.created("windows-hcs", id, start);
            return created;
        } catch (HcsException e) {
            throw undo.rollback(Errors.map(step, id, e));
        } catch (IOException e) {
            throw undo.rollback(Errors.of(ErrorKind.PLATFORM_FAILURE, createOp, id, "cannot prepare the state folder: " + e, e));
        } catch (ContainerException e) {
            throw undo.rollback(e);
        } catch (RuntimeException | Error e) {
            ContainerException wrapped = Errors.of(ErrorKind.PLATFORM_FAILURE, step, id, "unexpected failure: " + e, e);
            throw undo.rollback(wrapped);
        }
    }

    /** The utility VM's own scratch: a copy of its image's SystemTemplate.vhdx, removed with the container (as hcsshim makes it). */
    private static void copyUtilityVmScratch(Path image, ContainerSpec spec, UndoStack undo, String op) throws IOException {
        Path template = image.resolve(Documents.UVM_SCRATCH_TEMPLATE);
        if (!Files.isRegularFile(template)) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "the utility VM image " + image + " has no " + Documents.UVM_SCRATCH_TEMPLATE
                    + " to copy as the utility VM's scratch").operation(op).containerId(spec.id()).build();
        }
        Path scratch = Path.of(Documents.utilityVmScratch(spec));
        Files.copy(template, scratch, StandardCopyOption.REPLACE_EXISTING);
        undo.push(() -> {
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the utility VM scratch " + scratch, e);
            }
        });
    }

    /** Shutdown, terminate if that fails, then close: one undo step for a compute system. */
    private static Runnable stopAndClose(HcsApi hcs, HcsSystem system, HcsContainer.Timeouts timeouts) {
        return () -> {
            try {
                HcsContainer.stop(hcs, system, Duration.ZERO, timeouts);
            } finally {
                hcs.closeComputeSystem(system);
            }
        };
    }
}
