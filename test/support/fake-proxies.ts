/** Small in-process proxies for tests: an open or authenticating CONNECT proxy, a black hole, one that hangs up. */
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

export interface TestServer {
  readonly port: number;
  readonly url: string;
  /** CONNECT targets asked for, in order. */
  readonly targets: string[];
  stop(): Promise<void>;
}

async function serve(handler: (socket: Socket, targets: string[]) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const targets: string[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    handler(socket, targets);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    targets,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface ProxyOptions {
  /** Where a CONNECT target really goes (the simulated world's resolver). */
  readonly route: (host: string, port: number) => Promise<{ address: string; port: number }>;
  /** Require these Basic credentials. */
  readonly basic?: { readonly user: string; readonly password: string };
  /** Offer only these schemes and never accept (an NTLM/Negotiate-only proxy). */
  readonly onlySchemes?: readonly string[];
}

/** A CONNECT proxy in the spirit of squid: 407 with Proxy-Authenticate when credentials are missing or wrong. */
export function startProxy(options: ProxyOptions): Promise<TestServer> {
  return serve((client, targets) => {
    client.once('data', (head: Buffer) => {
      const text = head.toString('latin1');
      const target = /^CONNECT (\S+)/.exec(text)?.[1] ?? '';
      targets.push(target);
      const auth = /proxy-authorization: basic (\S+)/i.exec(text)?.[1];
      const expected = options.basic && Buffer.from(`${options.basic.user}:${options.basic.password}`).toString('base64');
      if (options.onlySchemes || (expected && auth !== expected)) {
        const schemes = options.onlySchemes ?? ['Basic realm="exo-doctor test"'];
        client.end(`HTTP/1.1 407 Proxy Authentication Required\r\nServer: test-proxy/1.0\r\n${schemes.map((s) => `Proxy-Authenticate: ${s}`).join('\r\n')}\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
      options.route(host, port).then(
        (where) => {
          const upstream = connect(where.port, where.address, () => {
            client.write('HTTP/1.1 200 Connection established\r\nVia: 1.1 test-proxy\r\n\r\n');
            client.pipe(upstream).pipe(client);
          });
          upstream.on('error', () => client.destroy());
        },
        () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'),
      );
    });
  });
}

/** Accepts connections and never says a word. */
export function startBlackHole(): Promise<TestServer> {
  return serve(() => undefined);
}

/** Accepts, reads the CONNECT, and hangs up without answering. */
export function startClosingProxy(): Promise<TestServer> {
  return serve((socket, targets) => socket.once('data', (head: Buffer) => {
    targets.push(/^CONNECT (\S+)/.exec(head.toString('latin1'))?.[1] ?? '');
    socket.destroy();
  }));
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
