import net from 'node:net';

/**
 * A TCP proxy the outage test can cut: while cut, every open connection is destroyed and new ones
 * are closed at once, as when the database host goes away.
 */
export class CuttableProxy {
  private server = net.createServer((client) => this.accept(client));
  private sockets = new Set<net.Socket>();
  private cut = false;
  port = 0;

  constructor(private readonly target: net.NetConnectOpts) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  private accept(client: net.Socket): void {
    if (this.cut) return void client.destroy();
    const upstream = net.connect(this.target);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  sever(): void {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.cut = false;
  }

  async close(): Promise<void> {
    this.sever();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Where a PostgreSQL URL points: its Unix socket (`?host=/dir`) or host and port. */
export function pgTarget(url: string): net.NetConnectOpts {
  const u = new URL(url);
  const host = u.searchParams.get('host') ?? (u.hostname || '/var/run/postgresql');
  const port = Number(u.searchParams.get('port') ?? (u.port || 5432));
  return host.startsWith('/') ? { path: `${host}/.s.PGSQL.${port}` } : { host, port };
}

/** The same database, reached through the proxy on 127.0.0.1. */
export function viaProxy(url: string, port: number): string {
  const u = new URL(url);
  const out = new URL(`postgresql://127.0.0.1:${port}${u.pathname}`);
  out.username = u.username;
  out.password = u.password;
  for (const [k, v] of u.searchParams) if (k !== 'host' && k !== 'port') out.searchParams.set(k, v);
  return out.toString();
}
