/** Free TCP ports for servers started on this machine (dev stack, tests). */
import net from 'node:net';

/** Asks the OS for a free TCP port (a tiny race until the server binds it; fine for dev and tests). */
export async function getFreePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not determine a free port'))));
    });
  });
}
