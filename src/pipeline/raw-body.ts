import type { FastifyInstance } from 'fastify';

/** wire.md: a JSON body over 1 MiB is not read further. */
export const JSON_BODY_LIMIT = 1024 * 1024;
/** Beyond the limit the rest is drained (and dropped) so the answer reaches the caller; past this, reading stops. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/** What a WeChat-side route receives as its body: the raw bytes, or a marker that it was too large. */
export type RawBody = Buffer | { tooLarge: true };

export function isTooLarge(body: unknown): body is { tooLarge: true } {
  return typeof body === 'object' && body !== null && !Buffer.isBuffer(body) && 'tooLarge' in body;
}

/**
 * One parser for every Content-Type (and none): keeps the bytes for the domain to parse after the
 * common checks, so that a missing token still answers 41001 whatever the body is.
 */
export function registerRawBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { bodyLimit: DRAIN_LIMIT }, (_req, payload, done) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (body: RawBody) => {
      if (finished) return;
      finished = true;
      done(null, body);
    };
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= JSON_BODY_LIMIT) chunks.push(chunk);
      else if (chunks.length > 0) chunks.length = 0;
      if (size > DRAIN_LIMIT) {
        payload.pause();
        finish({ tooLarge: true });
      }
    });
    payload.on('end', () => finish(size > JSON_BODY_LIMIT ? { tooLarge: true } : Buffer.concat(chunks)));
    payload.on('error', (err) => {
      if (finished) return;
      finished = true;
      done(err, undefined);
    });
  });
}
