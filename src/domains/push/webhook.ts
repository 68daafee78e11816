import type { WebhookMode } from './judge.js';

/** An app's server configuration (push.md), as stored. */
export interface WebhookConfig {
  url: string;
  token: string;
  encoding_aes_key: string | null;
  mode: WebhookMode;
  timeout_ms: number;
  attempts: number;
  api_session_events: boolean;
}

export const WEBHOOK_DEFAULTS = { mode: 'plain', timeout_ms: 5000, attempts: 3, api_session_events: true } as const;

/** The config with its defaults, or why it cannot be one (the schema checked each field already). */
export function webhookConfig(input: Record<string, unknown>): { ok: true; value: WebhookConfig } | { ok: false; why: string } {
  const mode = (input.mode as WebhookMode | undefined) ?? WEBHOOK_DEFAULTS.mode;
  const key = (input.encoding_aes_key as string | undefined) ?? null;
  if (mode !== 'plain' && key === null) return { ok: false, why: `encoding_aes_key: required in ${mode} mode` };
  let url: URL;
  try {
    url = new URL(input.url as string);
  } catch {
    return { ok: false, why: 'url: not an absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, why: 'url: must start with http:// or https://' };
  return {
    ok: true,
    value: {
      url: input.url as string,
      token: input.token as string,
      encoding_aes_key: key,
      mode,
      timeout_ms: (input.timeout_ms as number | undefined) ?? WEBHOOK_DEFAULTS.timeout_ms,
      attempts: (input.attempts as number | undefined) ?? WEBHOOK_DEFAULTS.attempts,
      api_session_events: (input.api_session_events as boolean | undefined) ?? WEBHOOK_DEFAULTS.api_session_events,
    },
  };
}

/** The push's query string appended to the configured URL (its own query kept). */
export function withQuery(url: string, params: [string, string][]): string {
  const q = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `${url}${url.includes('?') ? '&' : '?'}${q}`;
}
