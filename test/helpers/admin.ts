import { expect } from 'vitest';
import { call, type Answer } from './http.js';
import type { Target } from './target.js';

/** The admin API as the conformance suite uses it: reset, seed, clock, tokens. */
export class AdminClient {
  constructor(private readonly t: Target) {}

  request(method: string, path: string, body?: unknown): Promise<Answer> {
    return call(this.t.baseUrl, `/admin/api${path}`, {
      method,
      body,
      headers: { authorization: `Bearer ${this.t.adminToken}` },
    });
  }

  private async ok(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const a = await this.request(method, path, body);
    expect(a.status, `${method} ${path}: ${a.text}`).toBeLessThan(300);
    return a.json;
  }

  async reset(): Promise<void> {
    await this.ok('POST', '/reset');
  }
  async seed(doc: unknown): Promise<Record<string, unknown>> {
    return this.ok('POST', '/seed', doc);
  }
  async clock(change?: Record<string, unknown>): Promise<{ now: number; frozen: boolean; offset: number }> {
    const body = change === undefined ? await this.ok('GET', '/clock') : await this.ok('POST', '/clock', change);
    return body as { now: number; frozen: boolean; offset: number };
  }
  /** Freezes the deployment clock so a test controls every second. */
  async freeze(): Promise<number> {
    await this.clock({ real: true });
    return (await this.clock({ freeze: true })).now;
  }
  async advance(seconds: number): Promise<void> {
    await this.clock({ advance: seconds });
  }
  async token(appid: string): Promise<string> {
    return (await this.ok('POST', '/tokens', { appid })).access_token as string;
  }
  async kfAccounts(appid: string): Promise<Record<string, unknown>[]> {
    return (await this.ok('GET', `/apps/${appid}/kf_accounts`)).kf_accounts as Record<string, unknown>[];
  }
  async patchApp(appid: string, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.ok('PATCH', `/apps/${appid}`, fields);
  }
}
