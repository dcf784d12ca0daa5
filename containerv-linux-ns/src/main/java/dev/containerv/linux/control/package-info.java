/**
 * The control socket's wire protocol version 1 ({@code Wire}: every frame, both directions) and one control
 * connection ({@code ControlConnection}: pipelined requests, one reader thread dispatching by request id, stream
 * connections).
 * <p>Contract: bytes and frames only; what an answer means to a caller is decided in {@code runtime}.
 */
package dev.containerv.linux.control;
