import { expect } from 'vitest';
import type { AdminClient } from './admin.js';
import { call, type Answer } from './http.js';
import type { SuiteContext } from './suite.js';

/** The customer-service flow as a test drives it: users, their actions, kf workers, the outbox. */
export class Flow {
  constructor(private readonly ctx: SuiteContext) {}

  private get admin(): AdminClient {
    return this.ctx.admin;
  }

  async user(appid: string, openid: string, fields: Record<string, unknown> = {}): Promise<string> {
    const a = await this.admin.request('POST', `/apps/${appid}/users`, { openid, ...fields });
    expect(a.status, a.text).toBe(201);
    return openid;
  }

  /** The user acts (push.md `say`); answers the settled delivery. */
  async say(appid: string, openid: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const a = await this.admin.request('POST', `/apps/${appid}/users/${openid}/say`, body);
    expect(a.status, a.text).toBeLessThan(300);
    return a.json;
  }

  /** A kf account bound to a worker (invited and accepted), online unless told otherwise. */
  async worker(appid: string, token: string, kfAccount: string, opts: { online?: boolean; wx?: string } = {}): Promise<void> {
    const post = (path: string, body: unknown) => call(this.ctx.t.baseUrl, path, { query: { access_token: token }, body });
    expect((await post('/customservice/kfaccount/add', { kf_account: kfAccount, nickname: 'Worker' })).json.errcode).toBe(0);
    const wx = opts.wx ?? `wx_${kfAccount.split('@')[0]}_worker`.slice(0, 20);
    expect((await post('/customservice/kfaccount/inviteworker', { kf_account: kfAccount, invite_wx: wx })).json.errcode).toBe(0);
    const path = `/apps/${appid}/kf_accounts/${kfAccount}`;
    expect((await this.admin.request('POST', `${path}/invitation/accept`)).status).toBe(200);
    if (opts.online !== false)
      expect((await this.admin.request('PUT', `${path}/online`, { status: 1, accepted_case: 0 })).status).toBe(200);
  }

  wechat(path: string, token: string, body?: unknown, query: Record<string, string> = {}): Promise<Answer> {
    return call(this.ctx.t.baseUrl, path, {
      query: { access_token: token, ...query },
      body,
      method: body === undefined ? 'GET' : 'POST',
    });
  }

  send(token: string, body: unknown): Promise<Answer> {
    return this.wechat('/cgi-bin/message/custom/send', token, body);
  }

  async outbox(appid: string, query = ''): Promise<Record<string, unknown>[]> {
    const a = await this.admin.request('GET', `/apps/${appid}/outbox${query}`);
    expect(a.status, a.text).toBe(200);
    return a.json.entries as Record<string, unknown>[];
  }

  async window(appid: string, openid: string): Promise<Record<string, unknown>> {
    const a = await this.admin.request('GET', `/apps/${appid}/users/${openid}/window`);
    expect(a.status, a.text).toBe(200);
    return a.json;
  }
}

export const text = (touser: unknown, content: unknown = 'Hello') => ({ touser, msgtype: 'text', text: { content } });
