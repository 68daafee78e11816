import type { WebhookConfig } from './webhook.js';

/** The HTTP side of a delivery (push.md, Delivering): one attempt timed in real time, and the retries. */
const MAX_BODY = 1024 * 1024;
const KEPT_BODY = 64 * 1024;

export interface Attempt {
  started_at: number;
  duration_ms: number;
  outcome: 'ok' | 'timeout' | 'connection_error' | 'http_status' | 'too_large';
  http_status: number | null;
  response_body: string | null;
}

/** One HTTP attempt, timed in real time. */
export async function attempt(
  method: 'GET' | 'POST',
  url: string,
  body: string | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Attempt> {
  const started = performance.now();
  const startedAt = Math.round(performance.timeOrigin + started);
  const done = (outcome: Attempt['outcome'], status: number | null, text: string | null): Attempt => ({
    started_at: startedAt,
    duration_ms: Math.round(performance.now() - started),
    outcome,
    http_status: status,
    response_body: text === null ? null : text.slice(0, KEPT_BODY),
  });
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: body === undefined ? {} : { 'content-type': 'text/xml' },
      signal: AbortSignal.any([timeout, signal]),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += (chunk as Uint8Array).length;
      if (size > MAX_BODY) return done('too_large', res.status, null);
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    const text = Buffer.concat(chunks).toString('utf8');
    return done(res.status === 200 ? 'ok' : 'http_status', res.status, text);
  } catch {
    return done(timeout.aborted ? 'timeout' : 'connection_error', null, null);
  }
}

/** Tries up to `attempts` times; the last attempt's answer when one succeeded. */
export async function sendAttempts(
  config: Pick<WebhookConfig, 'attempts' | 'timeout_ms'>,
  method: 'GET' | 'POST',
  url: string,
  body: string | undefined,
  signal: AbortSignal,
  ok: (a: Attempt) => boolean = (a) => a.outcome === 'ok',
  onAttempt: (attempts: Attempt[]) => Promise<unknown> = async () => undefined,
): Promise<{ attempts: Attempt[]; success: Attempt | undefined }> {
  const attempts: Attempt[] = [];
  for (let i = 0; i < config.attempts && !signal.aborted; i++) {
    const a = await attempt(method, url, body, config.timeout_ms, signal);
    attempts.push(a);
    if (ok(a)) return { attempts, success: a };
    // A pending delivery shows its attempts so far (push.md, the delivery log).
    if (i + 1 < config.attempts) await onAttempt(attempts);
  }
  return { attempts, success: undefined };
}
