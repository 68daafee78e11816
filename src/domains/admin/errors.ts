import type { AppRecord, SimulatedUserRecord, Store } from '../../store/store.js';

/** An admin API failure: an HTTP status and a message naming the field. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A session route's refusal carries what the WeChat API would answer (sessions.md). */
    readonly errcode?: number,
  ) {
    super(message);
  }
}

/** The app, or 404 naming it (every admin route that takes an appid). */
export async function appOr404(store: Pick<Store, 'getApp'>, appid: string): Promise<AppRecord> {
  const app = await store.getApp(appid);
  if (!app) throw new AdminError(404, `appid: no app ${appid}`);
  return app;
}

/** The simulated user, or 404 naming it. */
export async function userOr404(store: Pick<Store, 'getUser'>, appid: string, openid: string): Promise<SimulatedUserRecord> {
  const user = await store.getUser(appid, openid);
  if (!user) throw new AdminError(404, `openid: ${appid} has no user ${openid}`);
  return user;
}
