/**
 * The {@code containerv} command line. {@link dev.containerv.cli.Main} is the entry point; every command works
 * through a {@link dev.containerv.api.ContainerRuntime} it is given, so each can be tested without a real one.
 */
package dev.containerv.cli;
