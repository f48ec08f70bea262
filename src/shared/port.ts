import net from 'node:net';

/** The port can't be listened on; the message says which variable to change. */
export class PortUnavailableError extends Error {}

/** A listen error in terms of PORT, or undefined for errors that are not about the port. */
export function portProblem(error: unknown, port: number, host: string): PortUnavailableError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new PortUnavailableError(`Port ${port} is already in use on ${host}; stop the other process or set PORT to another port.`);
  if (code === 'EACCES') return new PortUnavailableError(`Port ${port} on ${host} needs privileges this process lacks; set PORT to a port above 1023.`);
  return undefined;
}

/**
 * Fails fast when the port is taken, before the slow part of start-up (the embedded PostgreSQL).
 * A probe, not a reservation: the real listen still reports the same error if another process wins the race.
 */
export async function assertPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error) => reject(portProblem(error, port, host) ?? error));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
