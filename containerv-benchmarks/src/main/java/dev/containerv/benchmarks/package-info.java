/**
 * JMH benchmarks of containerv against {@link java.lang.ProcessBuilder} on the host: spawn in a running container,
 * and create/destroy. {@code compare.sh} runs them and times crun, runc and bubblewrap beside them.
 */
package dev.containerv.benchmarks;
