import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { SimulatedUserRecord, Store } from '../../store/store.js';
import { newOpenid } from '../users/rules.js';
import { USER_INPUT, USER_PATCH } from './schemas.js';
import { check } from './schema-check.js';
import { AdminError } from './service.js';
import { appOr404 } from './errors.js';

/** What the admin API answers for a user: times in Unix seconds. */
export function userView(u: SimulatedUserRecord) {
  const s = (ms: number) => Math.floor(ms / 1000);
  return {
    openid: u.openid,
    nickname: u.nickname,
    subscribed: u.subscribed,
    subscribe_time: s(u.subscribe_time),
    created_at: s(u.created_at),
  };
}

export interface UserInput {
  openid?: string;
  nickname?: string;
  subscribed?: boolean;
}

/** Simulated users: made, changed (silently: no push) and removed by the operator. */
export class UsersAdmin {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** 404 for an unknown app (before its body is looked at). */
  requireApp(appid: string): Promise<void> {
    return this.app(appid);
  }

  private async app(appid: string): Promise<void> {
    await appOr404(this.store, appid);
  }

  /** A new user (openid generated when absent): pushes nothing and opens no window. */
  async create(appid: string, input: UserInput): Promise<SimulatedUserRecord> {
    await this.app(appid);
    const now = this.clock.now();
    const user: SimulatedUserRecord = {
      appid,
      openid: input.openid ?? newOpenid(this.random),
      nickname: input.nickname ?? '',
      subscribed: input.subscribed ?? true,
      subscribe_time: now,
      created_at: now,
      updated_at: now,
    };
    if (!(await this.store.createUser(user))) throw new AdminError(409, `openid: ${appid} has a user ${user.openid} already`);
    return user;
  }

  async list(appid: string): Promise<SimulatedUserRecord[]> {
    await this.app(appid);
    return this.store.listUsers(appid);
  }

  async get(appid: string, openid: string): Promise<SimulatedUserRecord> {
    await this.app(appid);
    const user = await this.store.getUser(appid, openid);
    if (!user) throw new AdminError(404, `openid: ${appid} has no user ${openid}`);
    return user;
  }

  /**
   * A silent change (no push). Subscribing again moves subscribe_time; unsubscribing ends every
   * grant and the typing state (messages.md), in the same transaction.
   */
  async update(appid: string, openid: string, patch: Omit<UserInput, 'openid'>): Promise<SimulatedUserRecord> {
    await this.app(appid);
    const now = this.clock.now();
    const { result: user } = await this.store.userFlow(appid, openid, [], now, ({ user: current }) => {
      if (!current) return { result: undefined, effects: {} };
      const unsubscribing = patch.subscribed === false && current.subscribed;
      const change = {
        ...patch,
        ...(patch.subscribed === true && !current.subscribed ? { subscribe_time: now } : {}),
        ...(unsubscribing ? { typing_until: null } : {}),
      };
      return { result: { ...current, ...change }, effects: { user: change, clearGrants: unsubscribing } };
    });
    if (!user) throw new AdminError(404, `openid: ${appid} has no user ${openid}`);
    return user;
  }

  async delete(appid: string, openid: string): Promise<void> {
    await this.app(appid);
    if (!(await this.store.deleteUser(appid, openid))) throw new AdminError(404, `openid: ${appid} has no user ${openid}`);
  }
}

type Params = { appid: string; openid: string };

/** The admin routes of simulated users, inside the admin API's scope (its auth and errors). */
export function registerUserRoutes(app: FastifyInstance, users: UsersAdmin): void {
  // The body is optional (every field has a default), so it is checked here rather than by a route schema.
  app.post<{ Params: { appid: string }; Body: unknown }>('/apps/:appid/users', async (req, reply) => {
    await users.requireApp(req.params.appid);
    const input = check<UserInput>(USER_INPUT, req.body ?? {});
    if (!input.ok) throw new AdminError(400, input.errors.join('; '));
    reply.code(201);
    return userView(await users.create(req.params.appid, input.value));
  });
  app.get<{ Params: { appid: string } }>('/apps/:appid/users', async (req) => ({
    users: (await users.list(req.params.appid)).map(userView),
  }));
  app.get<{ Params: Params }>('/apps/:appid/users/:openid', async (req) =>
    userView(await users.get(req.params.appid, req.params.openid)),
  );
  app.patch<{ Params: Params; Body: Omit<UserInput, 'openid'> }>(
    '/apps/:appid/users/:openid',
    { schema: { body: USER_PATCH } },
    async (req) => userView(await users.update(req.params.appid, req.params.openid, req.body)),
  );
  app.delete<{ Params: Params }>('/apps/:appid/users/:openid', async (req, reply) => {
    await users.delete(req.params.appid, req.params.openid);
    return reply.code(204).send();
  });
}
