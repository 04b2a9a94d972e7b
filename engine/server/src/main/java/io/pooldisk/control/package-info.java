/**
 * The contract between the master ({@code io.pooldisk.pool}) and its worker processes ({@code io.pooldisk.worker}):
 * the messages on the socketpair between them ({@link io.pooldisk.control.ControlMessage}, in the binary form of
 * {@code ControlCodec}), the state a session carries from worker to worker ({@link io.pooldisk.control.SessionState},
 * {@link io.pooldisk.control.Transfer}) and a worker's command line ({@link io.pooldisk.control.WorkerOptions}).
 *
 * <p>Both sides import this package and neither imports the other; it imports nothing else of PoolDisk (the
 * architecture test checks both). Not to be confused with the control socket that {@code pooldisk status} and
 * {@code pooldisk resize} talk to ({@code pool.ControlServer}).
 */
package io.pooldisk.control;
