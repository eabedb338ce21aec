// Stopping without cutting anyone off: on SIGTERM (a deploy, a scale-down) the server stops taking new
// connections, lets the requests already in flight finish, and only then is the database closed. Requests
// still running when the grace period ends are cut, so a stuck client cannot hold a shutdown forever.
import type { Server } from 'node:http';

export type ClosableServer = Pick<Server, 'close' | 'closeIdleConnections' | 'closeAllConnections'>;

/** How often idle keep-alive connections are closed while draining (a finished request leaves one behind). */
const SWEEP_MS = 100;

/** 'drained' when every request finished in time, 'forced' when some were cut at the end of `graceMs`. */
export function closeGracefully(server: ClosableServer, graceMs: number): Promise<'drained' | 'forced'> {
  return new Promise((resolve) => {
    let forced = false;
    const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
    const deadline = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(forced ? 'forced' : 'drained');
    });
    server.closeIdleConnections();
  });
}
