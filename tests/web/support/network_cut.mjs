// A TCP relay between one browser and a node, which the test can cut: every
// connection through it is dropped and new ones are refused until it is
// restored. Playwright's offline mode leaves open WebSockets alone; this is
// what a train tunnel does to them.
import net from 'node:net';

/// Listens on a free loopback port and relays to 127.0.0.1:`targetPort`.
export async function startRelay(targetPort) {
  const open = new Set();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    open.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    /// Drops every connection and refuses new ones.
    cut() {
      cut = true;
      for (const { client, upstream } of open) {
        client.destroy();
        upstream.destroy();
      }
      open.clear();
    },
    restore() {
      cut = false;
    },
    close: () => new Promise((resolve) => {
      for (const { client, upstream } of open) {
        client.destroy();
        upstream.destroy();
      }
      server.close(() => resolve());
    }),
  };
}
