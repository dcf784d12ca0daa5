/**
 * The containers' state on the host: {@code <stateRoot>/<id>/state.json} ({@code StateFile}: pids, start times and
 * informational fields, never a path to act on), a container's paths derived from its id and the roots
 * ({@code StatePaths}), the state root's
 * lock ({@code StateRootLock}), claiming an id, listing and joining running containers, and stale state: judged
 * under the lock and removed ({@code StateStore}), with host cleanup of what a dead container left
 * ({@code Leftovers}: a tree with mounts goes through {@code containerv-helper cleanup}, never through
 * {@code umount(8)}).
 * <p>Contract: Java creates and removes the state and layer directories; the supervisor removes them too when the
 * init ends. A state directory is removed only when it is stale under the lock, so a live container's state is
 * never touched. This package is opened to Jackson (state.json).
 */
package dev.containerv.linux.state;
