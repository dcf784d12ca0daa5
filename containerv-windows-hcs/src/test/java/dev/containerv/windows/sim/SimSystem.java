package dev.containerv.windows.sim;

import dev.containerv.windows.schema.ComputeSystem;

import java.nio.file.Path;
import java.time.Instant;

/** A simulated compute system: its document, its drive C: (a host folder) and its state. */
final class SimSystem {
    final String id;
    final ComputeSystem doc;
    final Path drive;
    final Instant started = Instant.now();
    volatile String state = "Created";

    SimSystem(String id, ComputeSystem doc, Path drive) {
        this.id = id;
        this.doc = doc;
        this.drive = drive;
    }
}
