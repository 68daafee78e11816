import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: URL;
  body: string;
}

/** A loopback server standing in for an app's webhook: records each request, answers with `reply`. */
export class WebhookServer {
  readonly received: Received[] = [];
  reply: (r: Received, res: ServerResponse) => void | Promise<void> = (_r, res) => void res.end('success');
  private server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'http://x'),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.received.push(r);
      void this.reply(r, res);
    });
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/wechat`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Echoes echostr on a GET (the URL check), else answers as `reply` says. */
  static echoing(onPost: (r: Received, res: ServerResponse) => void | Promise<void>) {
    return (r: Received, res: ServerResponse) => {
      if (r.method === 'GET') return void res.end(r.url.searchParams.get('echostr') ?? '');
      return onPost(r, res);
    };
  }
}
