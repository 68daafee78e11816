import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.js';
import {
  APP_COLUMNS, CREDENTIAL_SELECT, TOKEN_COLUMNS, appFromRow, appValues, authorizationFromRow, credentialFromRow,
  isWaiting, journalFromRow, kfAccountFromRow, stableFromRow, tokenFromRow, tokenValues, type Row,
} from './rows.js';
import type {
  AddKfResult, AppPatch, AppRecord, AuthorizationRecord, ComponentPlatformRecord, Credential, HeadImage, Invitation,
  ComponentTokenRecord, InvitationAnswer, InviteState, JournalEntry, KfAccountRecord, NewKfAccount, StableState, StableWrite,
  Store, TokenRecord,
} from './store.js';

const APP_COLS = APP_COLUMNS.join(', ');
const TOKEN_COLS = TOKEN_COLUMNS.join(', ');
const sqliteBool = (b: boolean) => (b ? 1 : 0);

/** Opens (creating and migrating) an SQLite store. WAL, so that several processes may share the file. */
export function openSqliteStore(file: string): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Checkpoint every ~40 MB of WAL instead of ~4 MB: each checkpoint syncs the file, and on the
  // add path (a small write per call) the default made checkpoints a third of the write cost.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return new SqliteStore(db);
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
  private readonly s;
  private pending: Pending[] = [];

  constructor(private readonly db: Database.Database) {
    this.s = {
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      // kf_version starts anywhere: an app deleted and made again must not repeat the versions of
      // its former self, which other nodes may still hold in their list caches.
      insertApp: db.prepare(
        `INSERT INTO apps (${APP_COLS}, kf_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?, abs(random() % 1000000000000))
          ON CONFLICT(appid) DO NOTHING`,
      ),
      getApp: db.prepare(`SELECT ${APP_COLS} FROM apps WHERE appid = ?`),
      listApps: db.prepare(`SELECT ${APP_COLS} FROM apps ORDER BY created_at, appid`),
      deleteApp: db.prepare('DELETE FROM apps WHERE appid = ?'),
      supersede: db.prepare(
        `UPDATE access_tokens SET superseded_at = ? WHERE appid = ? AND family = ? AND component_appid IS ?
          AND superseded_at IS NULL AND revoked_at IS NULL`,
      ),
      insertToken: db.prepare(`INSERT INTO access_tokens (${TOKEN_COLS}) VALUES (${TOKEN_COLUMNS.map(() => "?").join(",")})`),
      findCredential: db.prepare(`${CREDENTIAL_SELECT} WHERE t.token_hash = ?`),
      revoke: db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL'),
      stableState: db.prepare(
        'SELECT stable_version, stable_current, force_day, force_count, last_force_at FROM apps WHERE appid = ?',
      ),
      getToken: db.prepare(`SELECT ${TOKEN_COLS} FROM access_tokens WHERE token_hash = ?`),
      casStable: db.prepare(
        `UPDATE apps SET stable_version = stable_version + 1, stable_current = ?, force_day = ?, force_count = ?,
          last_force_at = ? WHERE appid = ? AND stable_version = ?`,
      ),
      revokeStable: db.prepare(
        "UPDATE access_tokens SET revoked_at = ? WHERE appid = ? AND family = 'stable' AND revoked_at IS NULL",
      ),
      kfExistsAndCount: db.prepare(
        `SELECT EXISTS (SELECT 1 FROM kf_accounts WHERE appid = @appid AND prefix = @prefix) AS e,
          (SELECT COUNT(*) FROM kf_accounts WHERE appid = @appid) AS n`,
      ),
      nextKfId: db.prepare(
        'UPDATE apps SET next_kf_id = next_kf_id + 1, kf_version = kf_version + 1 WHERE appid = ? RETURNING next_kf_id - 1 AS kf_id',
      ),
      bumpKf: db.prepare('UPDATE apps SET kf_version = kf_version + 1 WHERE appid = ?'),
      insertKf: db.prepare(
        `INSERT INTO kf_accounts (appid, prefix, kf_account, kf_id, kf_nick, created_at, updated_at)
          VALUES (?,?,?,?,?,?,?)`,
      ),
      listKf: db.prepare('SELECT * FROM kf_accounts WHERE appid = ? ORDER BY kf_id'),
      getKf: db.prepare('SELECT * FROM kf_accounts WHERE appid = ? AND prefix = ?'),
      updateNick: db.prepare('UPDATE kf_accounts SET kf_nick = ?, updated_at = ? WHERE appid = ? AND prefix = ?'),
      deleteKf: db.prepare('DELETE FROM kf_accounts WHERE appid = ? AND prefix = ? RETURNING kf_id'),
      deleteImg: db.prepare('DELETE FROM kf_headimgs WHERE appid = ? AND kf_id = ?'),
      putImg: db.prepare(
        `INSERT INTO kf_headimgs (appid, kf_id, content_type, bytes, updated_at) VALUES (?,?,?,?,?)
          ON CONFLICT(appid, kf_id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes,
          updated_at = excluded.updated_at`,
      ),
      setImgUrl: db.prepare('UPDATE kf_accounts SET kf_headimgurl = ?, updated_at = ? WHERE appid = ? AND kf_id = ?'),
      getImg: db.prepare('SELECT content_type, bytes, updated_at FROM kf_headimgs WHERE appid = ? AND kf_id = ?'),
      boundHere: db.prepare('SELECT 1 FROM kf_accounts WHERE appid = ? AND kf_wx = ? AND prefix <> ?'),
      invitedHere: db.prepare(
        'SELECT * FROM kf_accounts WHERE appid = ? AND invite_wx = ? AND prefix <> ? AND kf_wx IS NULL',
      ),
      bindings: db.prepare('SELECT COUNT(*) AS n FROM kf_accounts WHERE kf_wx = ?'),
      invite: db.prepare(
        `UPDATE kf_accounts SET invite_wx = ?, invite_expire_time = ?, invite_status = 'waiting', updated_at = ?
          WHERE appid = ? AND prefix = ?`,
      ),
      bind: db.prepare(
        `UPDATE kf_accounts SET kf_wx = invite_wx, invite_wx = NULL, invite_expire_time = NULL, invite_status = NULL
          WHERE appid = ? AND prefix = ?`,
      ),
      reject: db.prepare("UPDATE kf_accounts SET invite_status = 'rejected' WHERE appid = ? AND prefix = ?"),
      online: db.prepare('UPDATE kf_accounts SET online_status = ?, accepted_case = ? WHERE appid = ? AND prefix = ?'),
      insertPlatform: db.prepare(
        'INSERT INTO component_platforms (component_appid, component_appsecret, created_at) VALUES (?,?,?) ON CONFLICT DO NOTHING',
      ),
      getPlatform: db.prepare('SELECT * FROM component_platforms WHERE component_appid = ?'),
      putAuth: db.prepare(
        `INSERT INTO component_authorizations (component_appid, authorizer_appid, funcscope_category_ids, created_at)
          VALUES (?,?,?,?) ON CONFLICT(component_appid, authorizer_appid)
          DO UPDATE SET funcscope_category_ids = excluded.funcscope_category_ids`,
      ),
      admitQuota: db.prepare(`INSERT INTO quota_counters (appid, counter, period, used) VALUES (@appid, @counter, @period, 1)
          ON CONFLICT (appid, counter) DO UPDATE
          SET used = CASE WHEN quota_counters.period = excluded.period THEN quota_counters.used + 1 ELSE 1 END,
            period = excluded.period
          WHERE quota_counters.period <> excluded.period OR quota_counters.used < @limit
          RETURNING used`),
      quotaUsed: db.prepare('SELECT used, period FROM quota_counters WHERE appid = ? AND counter = ?'),
      clearCounters: db.prepare("DELETE FROM quota_counters WHERE appid = ? AND counter NOT LIKE '#%'"),
      putJournal: db.prepare(
        `INSERT OR IGNORE INTO journal (rid, appid, cgi_path, invoke_time, cost_ms, request_url, request_body, response_body,
          client_ip, errcode) VALUES (@rid, @appid, @cgi_path, @invoke_time, @cost_ms, @request_url, @request_body,
          @response_body, @client_ip, @errcode)`,
      ),
      getJournal: db.prepare('SELECT * FROM journal WHERE rid = ?'),
      pruneJournal: db.prepare('DELETE FROM journal WHERE invoke_time < ?'),
      setTicket: db.prepare('UPDATE component_platforms SET ticket = ?, ticket_at = ? WHERE component_appid = ?'),
      supersedeComponent: db.prepare(
        'UPDATE component_tokens SET superseded_at = ? WHERE component_appid = ? AND superseded_at IS NULL',
      ),
      insertComponentToken: db.prepare(
        'INSERT INTO component_tokens (token_hash, component_appid, issued_at, expires_at, superseded_at) VALUES (?,?,?,?,?)',
      ),
      getComponentToken: db.prepare('SELECT * FROM component_tokens WHERE token_hash = ?'),
      insertCode: db.prepare(
        'INSERT INTO component_auth_codes (code_hash, component_appid, authorizer_appid, expires_at) VALUES (?,?,?,?)',
      ),
      useCode: db.prepare(
        `UPDATE component_auth_codes SET used_at = ? WHERE code_hash = ? AND component_appid = ? AND used_at IS NULL
          RETURNING authorizer_appid, expires_at`,
      ),
      setRefresh: db.prepare(
        'UPDATE component_authorizations SET refresh_token_hash = ? WHERE component_appid = ? AND authorizer_appid = ?',
      ),
      getAuth: db.prepare('SELECT * FROM component_authorizations WHERE component_appid = ? AND authorizer_appid = ?'),
      deleteAuth: db.prepare('DELETE FROM component_authorizations WHERE component_appid = ? AND authorizer_appid = ?'),
      listAuth: db.prepare('SELECT * FROM component_authorizations WHERE component_appid = ? ORDER BY authorizer_appid'),
    };
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
      this.db.transaction(() => {
        for (const p of batch) {
          try {
            outcomes.push({ ok: true, value: this.db.transaction(p.run)() });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      }).immediate();
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

  async addKfAccount(appid: string, a: NewKfAccount, limit: number): Promise<AddKfResult> {
    // A refusal read from one committed snapshot is already a correct answer (the account existed,
    // or the app was full, at that instant), so it needs no write lock; only an add takes one and
    // checks again inside it.
    const seen = this.s.kfExistsAndCount.get({ appid, prefix: a.prefix }) as { e: number; n: number };
    if (seen.e === 1) return { result: 'exists' };
    if (seen.n >= limit) return { result: 'limit' };
    return this.batched((): AddKfResult => {
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
    if (limit <= 0) return false;
    // Group-committed with the other writes of this turn: every call pays for this one write.
    return this.batched(() => this.s.admitQuota.get({ appid, counter, period, limit }) !== undefined);
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
