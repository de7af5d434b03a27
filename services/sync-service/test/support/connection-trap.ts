import net, { type AddressInfo } from 'node:net';

/** A listener that only counts the connections made to it: any is a request that should not have been made. */
export async function startConnectionTrap(host = '127.0.0.1') {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `https://${host}:${port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
