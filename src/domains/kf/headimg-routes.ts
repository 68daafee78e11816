import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerWechatEndpoint } from '../../pipeline/endpoint.js';
import type { AppRecord } from '../../store/store.js';
import { OK_BODY } from '../../wire/envelope.js';
import { HEADIMG_MAX_BYTES } from './rules.js';
import { kfEndpoint, type KfDeps } from './routes.js';
import type { MediaPart } from './service.js';

export const HEADIMG_PATH = '/kf/headimg';

/** Reads the multipart field `media`, never more than 5 MB of it; other parts are drained. */
async function readMedia(req: FastifyRequest): Promise<MediaPart> {
  if (!req.isMultipart()) return 'missing';
  let found: MediaPart = 'missing';
  try {
    for await (const part of req.parts({ limits: { fileSize: HEADIMG_MAX_BYTES, files: 10 } })) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'media' || found !== 'missing') {
        part.file.resume();
        continue;
      }
      const bytes = await part.toBuffer();
      found = bytes.length === 0 ? 'missing' : { bytes };
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return 'too_large';
    // A body that is not valid multipart carries no media.
    return found;
  }
  return found;
}

/**
 * uploadheadimg in a scope of its own: here the body is left unread until the common checks and
 * the account have passed, then streamed through @fastify/multipart. The stored images are served
 * at /kf/headimg/{appid}/{kf_id}, the address kf_headimgurl gives.
 */
export function headImageRoutes(deps: KfDeps) {
  const { kf } = deps;
  return async function routes(app: FastifyInstance): Promise<void> {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_req, _payload, done) => done(null));
    await app.register(multipart);
    registerWechatEndpoint(
      app,
      deps,
      kfEndpoint('uploadheadimg', {
        paths: ['/customservice/kfaccount/uploadheadimg'],
        methods: ['POST'],
        jsonBody: false,
        workers: true,
        handle: async (c) => {
          const app = c.app as AppRecord;
          const base = `${c.req.protocol}://${c.req.host}${HEADIMG_PATH}/${app.appid}`;
          await kf.uploadHeadImage(
            app,
            c.query.kf_account,
            () => readMedia(c.req),
            (kfId, v) => `${base}/${kfId}?v=${v}`,
          );
          return OK_BODY;
        },
      }),
    );
    app.get<{ Params: { appid: string; kf_id: string } }>(`${HEADIMG_PATH}/:appid/:kf_id`, async (req, reply) => {
      const kfId = Number(req.params.kf_id);
      const image = Number.isInteger(kfId) ? await kf.headImage(req.params.appid, kfId) : undefined;
      if (!image) return reply.code(404).type('text/plain').send('no such head image');
      const etag = `"${req.params.appid}-${kfId}-${image.updated_at}"`;
      // The address carries ?v=<upload time>, so a new upload is a new address: cache for a year.
      reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', etag);
      if (req.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type(image.content_type).send(image.bytes);
    });
  };
}
