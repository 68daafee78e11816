/** wxkf serve's configuration: flags win over environment variables, which win over defaults. */
export interface Config {
  host: string;
  port: number;
  /** SQLite file, or `:memory:`. */
  db: string;
  databaseUrl: string | undefined;
  adminToken: string | undefined;
  seedFile: string | undefined;
  forbiddenWordsFile: string | undefined;
  logLevel: LogLevel;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ConfigFlags {
  host?: string;
  port?: string;
  db?: string;
  databaseUrl?: string;
  adminToken?: string;
  seed?: string;
  forbiddenWords?: string;
  logLevel?: string;
}

export const DEFAULT_CONFIG: Config = {
  host: '127.0.0.1',
  port: 8080,
  db: './wxkf.db',
  databaseUrl: undefined,
  adminToken: undefined,
  seedFile: undefined,
  forbiddenWordsFile: undefined,
  logLevel: 'info',
};

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

function pick(flag: string | undefined, env: string | undefined): string | undefined {
  if (flag !== undefined) return flag;
  return env === undefined || env === '' ? undefined : env;
}

export function loadConfig(flags: ConfigFlags, env: Record<string, string | undefined>): ConfigResult {
  const problems: string[] = [];
  const config: Config = { ...DEFAULT_CONFIG };

  config.host = pick(flags.host, env.WXKF_HOST) ?? config.host;
  const port = pick(flags.port, env.WXKF_PORT);
  if (port !== undefined) {
    const n = Number(port);
    if (!/^\d+$/.test(port) || n > 65535) problems.push(`port must be an integer from 0 to 65535, got "${port}"`);
    else config.port = n;
  }
  config.db = pick(flags.db, env.WXKF_DB) ?? config.db;
  const databaseUrl = pick(flags.databaseUrl, env.WXKF_DATABASE_URL);
  if (databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
      problems.push(`database-url must start with postgres:// or postgresql://, got "${databaseUrl}"`);
    }
    config.databaseUrl = databaseUrl;
  }
  const adminToken = pick(flags.adminToken, env.WXKF_ADMIN_TOKEN);
  if (adminToken !== undefined) {
    if (adminToken.length < 8) problems.push('admin-token must be at least 8 characters');
    config.adminToken = adminToken;
  }
  config.seedFile = flags.seed;
  config.forbiddenWordsFile = flags.forbiddenWords;
  const level = pick(flags.logLevel, env.WXKF_LOG_LEVEL);
  if (level !== undefined) {
    if ((LOG_LEVELS as readonly string[]).includes(level)) config.logLevel = level as LogLevel;
    else problems.push(`log-level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}

/** One word a line; blank lines and lines starting with `#` are skipped. */
export function parseForbiddenWords(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((word) => word.toLowerCase());
}
