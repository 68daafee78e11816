import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';
import {
  appFromRow, appValues, authorizationFromRow, credentialFromRow, journalQuery,
  isWaiting, journalFromRow, kfAccountFromRow, stableFromRow, tokenFromRow, tokenValues, type Row,
} from './rows.js';
import type {
  AddKfResult, AppPatch, AppRecord, AuthorizationRecord, ComponentPlatformRecord, Credential, HeadImage, Invitation,
  ComponentTokenRecord, InvitationAnswer, InviteState, JournalEntry, JournalFilter, KfAccountRecord, NewKfAccount, QuotaAdmission, StableState, StableWrite,
  Store, TokenRecord,
} from './store.js';

const sqliteBool = (b: boolean) => (b ? 1 : 0);

/** Opens (creating and migrating) an SQLite store. WAL, so that several processes may share the file. */
export function openSqliteStore(file: string): Store {
  const db = new Database(file, { timeout: 5000 });
  retryWhileBusy(() => useWal(db));
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  retryWhileBusy(() => migrate(db));
  return new SqliteStore(db);
}

/**
 * Switches a file to WAL (a no-op once it is: the mode is stored in the file). The switch of a new
 * file reads its header and then upgrades to a write lock, and SQLite answers an upgrade that meets
 * another connection's write lock with SQLITE_BUSY at once, without the busy handler (to avoid a
 * deadlock): two processes opening one new file together can meet there. When the switch cannot
 * be made, SQLite may also answer the old mode instead of an error; both are retried.
 */
function useWal(db: Database.Database): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode === 'wal' || mode === 'memory') return; // `:memory:` has no WAL
  throw Object.assign(new Error(`journal mode stayed ${String(mode)} instead of wal`), { code: 'SQLITE_BUSY' });
}

/** Runs `fn`, retrying every 50 ms for up to 10 s while SQLite answers SQLITE_BUSY (start-up only). */
function retryWhileBusy<T>(fn: () => T): T {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!String((err as { code?: string }).code).startsWith('SQLITE_BUSY') || attempt >= 200) throw err;
      Atomics.wait(pause, 0, 0, 50);
    }
  }
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < SQLITE_MIGRATIONS.length; v++) {
      db.exec(SQLITE_MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}

interface Pending {
  run: () => unknown;
  resolve: (value: never) => void;
  reject: (err: unknown) => void;
}

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly s: Statements;
  private pending: Pending[] = [];

  /** Runs a function in a transaction, or in a savepoint when one is open (made once: wrapping costs). */
  private readonly inTransaction: Database.Transaction<(run: () => unknown) => unknown>;

  constructor(private readonly db: Database.Database) {
    this.s = prepareStatements(db);
    this.inTransaction = db.transaction((run: () => unknown) => run());
  }

  async close(): Promise<void> {
    this.flush();
    if (this.db.open) this.db.close();
  }

  /**
   * Group commit: writes queued in the same turn of the event loop run one after another inside
   * one IMMEDIATE transaction, each in its own savepoint (a failing one rolls back alone), so one
   * commit serves many calls. Each write still sees everything committed before it.
   */
  private batched<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.pending.push({ run, resolve: resolve as (v: never) => void, reject }) === 1) setImmediate(() => this.flush());
    });
  }


  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    try {
      this.inTransaction.immediate(() => {
        for (const p of batch) {
          try {
            outcomes.push({ ok: true, value: this.inTransaction(p.run) });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o?.ok) p.resolve(o.value as never);
      else p.reject(o?.err);
    });
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (this.s.getMeta.get(key) as Row | undefined)?.value as string | undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.s.setMeta.run(key, value);
  }

  async reset(): Promise<void> {
    this.db.transaction(() => {
      this.db.exec(
        `DELETE FROM component_auth_codes; DELETE FROM component_tokens; DELETE FROM component_authorizations;
          DELETE FROM component_platforms; DELETE FROM kf_headimgs;
          DELETE FROM kf_accounts; DELETE FROM access_tokens; DELETE FROM quota_counters; DELETE FROM journal;
          DELETE FROM apps;`,
      );
    }).immediate();
  }

  async createApp(app: AppRecord): Promise<boolean> {
    return this.s.insertApp.run(...appValues(app, sqliteBool)).changes === 1;
  }

  async getApp(appid: string): Promise<AppRecord | undefined> {
    const row = this.s.getApp.get(appid) as Row | undefined;
    return row ? appFromRow(row) : undefined;
  }

  async listApps(): Promise<AppRecord[]> {
    return (this.s.listApps.all() as Row[]).map(appFromRow);
  }

  async updateApp(appid: string, patch: AppPatch, now: number): Promise<AppRecord | undefined> {
    return this.db.transaction(() => {
      const row = this.s.getApp.get(appid) as Row | undefined;
      if (!row) return undefined;
      const next: AppRecord = { ...appFromRow(row), ...patch, appid, updated_at: now };
      const p = appValues(next, sqliteBool);
      this.db
        .prepare(
          `UPDATE apps SET secret=?, type=?, certified=?, alias=?, original_id=?, kf_enabled=?, ip_whitelist=?,
            secret_frozen=?, updated_at=?, daily_quotas=? WHERE appid=?`,
        )
        .run(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], now, p[11], appid);
      return next;
    }).immediate();
  }

  async deleteApp(appid: string): Promise<boolean> {
    return this.s.deleteApp.run(appid).changes === 1;
  }

  async issueToken(token: TokenRecord): Promise<void> {
    this.db.transaction(() => {
      this.s.supersede.run(token.issued_at, token.appid, token.family, token.component_appid);
      this.insertToken(token);
    }).immediate();
  }

  private insertToken(t: TokenRecord): void {
    this.s.insertToken.run(...tokenValues(t));
  }

  async findCredential(tokenHash: string): Promise<Credential | undefined> {
    const row = this.s.findCredential.get(tokenHash) as Row | undefined;
    if (!row) return undefined;
    return credentialFromRow(row);
  }

  async revokeToken(tokenHash: string, now: number): Promise<boolean> {
    return this.s.revoke.run(now, tokenHash).changes === 1;
  }

  async getStableState(appid: string): Promise<StableState> {
    const row = this.s.stableState.get(appid) as Row | undefined;
    const hash = row?.stable_current as string | null | undefined;
    const tokenRow = hash ? (this.s.getToken.get(hash) as Row | undefined) : undefined;
    return stableFromRow(row, tokenRow ? tokenFromRow(tokenRow) : undefined);
  }

  async writeStable(appid: string, w: StableWrite): Promise<boolean> {
    return this.db.transaction(() => {
      const moved = this.s.casStable.run(
        w.token.token_hash, w.force_day, w.force_count, w.last_force_at, appid, w.expectedVersion,
      );
      if (moved.changes !== 1) return false;
      if (w.revokeOthersAt !== null) this.s.revokeStable.run(w.revokeOthersAt, appid);
      this.insertToken(w.token);
      return true;
    }).immediate();
  }

  async addKfAccount(appid: string, a: NewKfAccount, limit: number, quota?: QuotaAdmission): Promise<AddKfResult> {
    // A refusal read from one committed snapshot is already a correct answer (the account existed,
    // or the app was full, at that instant), so it needs no write lock; only an add takes one and
    // checks again inside it. A call counted here must be counted before any answer, so with a
    // quota admission everything happens inside the write.
    if (!quota) {
      const seen = this.s.kfExistsAndCount.get({ appid, prefix: a.prefix }) as { e: number; n: number };
      if (seen.e === 1) return { result: 'exists' };
      if (seen.n >= limit) return { result: 'limit' };
    }
    return this.batched((): AddKfResult => {
      if (quota && !this.admit(appid, quota)) return { result: 'quota' };
      const { e, n } = this.s.kfExistsAndCount.get({ appid, prefix: a.prefix }) as { e: number; n: number };
      if (e === 1) return { result: 'exists' };
      if (n >= limit) return { result: 'limit' };
      const idRow = this.s.nextKfId.get(appid) as { kf_id: number } | undefined;
      if (!idRow) throw new Error(`no app ${appid}`);
      this.s.insertKf.run(appid, a.prefix, a.kf_account, idRow.kf_id, a.nickname, a.now, a.now);
      return { result: 'added', kf_id: idRow.kf_id };
    });
  }


  async listKfAccounts(appid: string): Promise<KfAccountRecord[]> {
    return (this.s.listKf.all(appid) as Row[]).map(kfAccountFromRow);
  }

  async getKfAccount(appid: string, prefix: string): Promise<KfAccountRecord | undefined> {
    const row = this.s.getKf.get(appid, prefix) as Row | undefined;
    return row ? kfAccountFromRow(row) : undefined;
  }

  /** Runs a change to an app's kf accounts in one transaction with the bump of its kf_version. */
  private kfChange<T>(appid: string, change: () => T): T {
    return this.db.transaction(() => {
      const out = change();
      this.s.bumpKf.run(appid);
      return out;
    }).immediate();
  }

  async updateKfNick(appid: string, prefix: string, nickname: string, now: number): Promise<boolean> {
    return this.kfChange(appid, () => this.s.updateNick.run(nickname, now, appid, prefix).changes === 1);
  }

  async deleteKfAccount(appid: string, prefix: string): Promise<boolean> {
    return this.kfChange(appid, () => {
      const row = this.s.deleteKf.get(appid, prefix) as { kf_id: number } | undefined;
      if (row) this.s.deleteImg.run(appid, row.kf_id);
      return row !== undefined;
    });
  }

  async setKfHeadImage(appid: string, prefix: string, image: HeadImage, url: (kfId: number) => string): Promise<boolean> {
    return this.kfChange(appid, () => {
      const row = this.s.getKf.get(appid, prefix) as Row | undefined;
      if (!row) return false;
      const kfId = Number(row.kf_id);
      this.s.putImg.run(appid, kfId, image.content_type, image.bytes, image.updated_at);
      this.s.setImgUrl.run(url(kfId), image.updated_at, appid, kfId);
      return true;
    });
  }

  async getKfHeadImage(appid: string, kfId: number): Promise<HeadImage | undefined> {
    const row = this.s.getImg.get(appid, kfId) as Row | undefined;
    if (!row) return undefined;
    return { content_type: row.content_type as string, bytes: row.bytes as Buffer, updated_at: Number(row.updated_at) };
  }

  async inviteWorker<E>(appid: string, prefix: string, inv: Invitation, decide: (s: InviteState) => E | null): Promise<E | null> {
    return this.kfChange(appid, () => {
      const row = this.s.getKf.get(appid, prefix) as Row | undefined;
      const state: InviteState = {
        account: row ? kfAccountFromRow(row) : undefined,
        workerBoundHere: this.s.boundHere.get(appid, inv.invite_wx, prefix) !== undefined,
        otherInvitations: (this.s.invitedHere.all(appid, inv.invite_wx, prefix) as Row[]).map(kfAccountFromRow),
        workerBindings: (this.s.bindings.get(inv.invite_wx) as { n: number }).n,
      };
      const refusal = decide(state);
      if (refusal === null) this.s.invite.run(inv.invite_wx, inv.invite_expire_time, inv.now, appid, prefix);
      return refusal;
    });
  }

  async answerInvitation(appid: string, prefix: string, accept: boolean, nowSeconds: number, maxBindings: number): Promise<InvitationAnswer> {
    return this.kfChange(appid, (): InvitationAnswer => {
      const row = this.s.getKf.get(appid, prefix) as Row | undefined;
      if (!row) return 'missing';
      const a = kfAccountFromRow(row);
      if (!isWaiting(a, nowSeconds)) return 'no_invitation';
      if (!accept) {
        this.s.reject.run(appid, prefix);
        return 'rejected';
      }
      if ((this.s.bindings.get(a.invite_wx) as { n: number }).n >= maxBindings) return 'worker_limit';
      this.s.bind.run(appid, prefix);
      return 'accepted';
    });
  }

  async setKfOnline(appid: string, prefix: string, status: number, acceptedCase: number): Promise<'ok' | 'missing' | 'unbound'> {
    return this.kfChange(appid, () => {
      const row = this.s.getKf.get(appid, prefix) as Row | undefined;
      if (!row) return 'missing';
      if (!row.kf_wx) return 'unbound';
      return this.s.online.run(status, acceptedCase, appid, prefix).changes === 1 ? 'ok' : 'missing';
    });
  }

  async createComponentPlatform(p: ComponentPlatformRecord): Promise<boolean> {
    return this.s.insertPlatform.run(p.component_appid, p.component_appsecret, p.created_at).changes === 1;
  }

  async getComponentPlatform(componentAppid: string): Promise<ComponentPlatformRecord | undefined> {
    return this.s.getPlatform.get(componentAppid) as ComponentPlatformRecord | undefined;
  }

  async putAuthorization(a: AuthorizationRecord): Promise<void> {
    this.s.putAuth.run(a.component_appid, a.authorizer_appid, JSON.stringify(a.funcscope_category_ids), a.created_at);
  }

  async listAuthorizations(componentAppid: string): Promise<AuthorizationRecord[]> {
    return (this.s.listAuth.all(componentAppid) as Row[]).map(authorizationFromRow);
  }

  async deleteAuthorization(componentAppid: string, authorizerAppid: string): Promise<boolean> {
    return this.s.deleteAuth.run(componentAppid, authorizerAppid).changes === 1;
  }

  async admitQuota(appid: string, counter: string, period: number, limit: number): Promise<boolean> {
    // Group-committed with the other writes of this turn: every call pays for this one write.
    return this.batched(() => this.admit(appid, { counter, period, limit }));
  }

  /** Counts one call on the counter unless its limit is reached (inside a write transaction). */
  private admit(appid: string, q: QuotaAdmission): boolean {
    return q.limit > 0 && this.s.admitQuota.get({ appid, counter: q.counter, period: q.period, limit: q.limit }) !== undefined;
  }

  async quotaUsed(appid: string, counter: string, period: number): Promise<number> {
    const row = this.s.quotaUsed.get(appid, counter) as { used: number; period: number } | undefined;
    return row && row.period === period ? row.used : 0;
  }

  async clearQuotas(appid: string, clearCounter: string, period: number, maxClears: number): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.s.admitQuota.get({ appid, counter: clearCounter, period, limit: maxClears })) return false;
      this.s.clearCounters.run(appid);
      return true;
    }).immediate();
  }

  async appendJournal(entries: readonly JournalEntry[]): Promise<void> {
    this.db.transaction(() => {
      for (const e of entries) this.s.putJournal.run(e);
    }).immediate();
  }

  async getJournal(rid: string): Promise<JournalEntry | undefined> {
    const row = this.s.getJournal.get(rid) as Row | undefined;
    return row ? journalFromRow(row) : undefined;
  }

  async listJournal(filter: JournalFilter): Promise<JournalEntry[]> {
    const q = journalQuery(filter, () => '?');
    return (this.db.prepare(q.sql).all(...q.values) as Row[]).map(journalFromRow);
  }

  async pruneJournal(beforeMs: number): Promise<void> {
    this.s.pruneJournal.run(beforeMs);
  }

  async setComponentTicket(componentAppid: string, ticket: string, at: number): Promise<boolean> {
    return this.s.setTicket.run(ticket, at, componentAppid).changes === 1;
  }

  async issueComponentToken(t: ComponentTokenRecord): Promise<void> {
    this.db.transaction(() => {
      this.s.supersedeComponent.run(t.issued_at, t.component_appid);
      this.s.insertComponentToken.run(t.token_hash, t.component_appid, t.issued_at, t.expires_at, t.superseded_at);
    }).immediate();
  }

  async findComponentToken(tokenHash: string): Promise<ComponentTokenRecord | undefined> {
    return this.s.getComponentToken.get(tokenHash) as ComponentTokenRecord | undefined;
  }

  async createAuthCode(codeHash: string, componentAppid: string, authorizerAppid: string, expiresAt: number): Promise<void> {
    this.s.insertCode.run(codeHash, componentAppid, authorizerAppid, expiresAt);
  }

  async consumeAuthCode(codeHash: string, componentAppid: string, now: number): Promise<string | 'expired' | undefined> {
    const row = this.s.useCode.get(now, codeHash, componentAppid) as { authorizer_appid: string; expires_at: number } | undefined;
    if (!row) return undefined;
    return now >= row.expires_at ? 'expired' : row.authorizer_appid;
  }

  async setRefreshToken(componentAppid: string, authorizerAppid: string, hash: string): Promise<boolean> {
    return this.s.setRefresh.run(hash, componentAppid, authorizerAppid).changes === 1;
  }

  async getAuthorization(componentAppid: string, authorizerAppid: string) {
    const row = this.s.getAuth.get(componentAppid, authorizerAppid) as Row | undefined;
    return row ? { ...authorizationFromRow(row), refresh_token_hash: (row.refresh_token_hash as string | null) ?? null } : undefined;
  }
}
