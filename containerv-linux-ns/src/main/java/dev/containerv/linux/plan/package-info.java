/**
 * The launch plan (docs/linux-helper-protocol.md section 2): {@code LaunchPlan} renders typed directives as
 * plan text, {@code PlanBuilder} decides them from a validated spec, {@code StandardSetup} is what every
 * container's file system gets besides its layers ({@code /proc}, {@code /sys}, {@code /dev} and its device list,
 * {@code /dev/pts}, {@code /dev/shm}, {@code /dev/mqueue}) and the default search path, {@code Percent} the
 * encoding of plan and status fields.
 * <p>Contract: every decision about what the helper does is made here, in Java; the helper has no defaults of its
 * own. A new plan directive goes into {@code LaunchPlan}, the C parser and both ends' tests.
 */
package dev.containerv.linux.plan;
