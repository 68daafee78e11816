import type { GrantKind } from '../../store/store.js';
import { fail, ok, type Check } from '../../wire/check.js';

/**
 * What a simulated user can do (push.md, "What is pushed"): each `say` type, its body fields, the
 * XML it pushes and the grant it opens.
 */
type FieldType = 'string' | 'number' | 'id';
interface FieldSpec {
  type: FieldType;
  required: boolean;
}
interface ActionSpec {
  msgType: 'text' | 'image' | 'voice' | 'video' | 'shortvideo' | 'location' | 'link' | 'event';
  event?: string;
  fields: Record<string, FieldSpec>;
  opens: GrantKind | null;
}
const req = (type: FieldType = 'string'): FieldSpec => ({ type, required: true });
const opt = (type: FieldType = 'string'): FieldSpec => ({ type, required: false });

export const ACTIONS: Record<string, ActionSpec> = {
  text: { msgType: 'text', fields: { content: req() }, opens: 'message' },
  msgmenu_click: { msgType: 'text', fields: { menu_id: req('id'), content: opt() }, opens: 'message' },
  image: { msgType: 'image', fields: { pic_url: opt(), media_id: opt() }, opens: 'message' },
  voice: { msgType: 'voice', fields: { media_id: opt(), format: opt(), recognition: opt() }, opens: 'message' },
  video: { msgType: 'video', fields: { media_id: opt(), thumb_media_id: opt() }, opens: 'message' },
  shortvideo: { msgType: 'shortvideo', fields: { media_id: opt(), thumb_media_id: opt() }, opens: 'message' },
  location: {
    msgType: 'location',
    fields: { x: req('number'), y: req('number'), scale: opt('number'), label: opt() },
    opens: 'message',
  },
  link: { msgType: 'link', fields: { title: req(), description: opt(), url: req() }, opens: 'message' },
  subscribe: { msgType: 'event', event: 'subscribe', fields: { scene: opt('id'), ticket: opt() }, opens: 'subscribe' },
  unsubscribe: { msgType: 'event', event: 'unsubscribe', fields: {}, opens: null },
  scan: { msgType: 'event', event: 'SCAN', fields: { scene: req('id'), ticket: opt() }, opens: 'scan' },
  click: { msgType: 'event', event: 'CLICK', fields: { key: req() }, opens: 'click' },
  view: { msgType: 'event', event: 'VIEW', fields: { url: req() }, opens: null },
  scancode_push: {
    msgType: 'event',
    event: 'scancode_push',
    fields: { key: req(), scan_result: req(), scan_type: opt() },
    opens: 'click',
  },
  scancode_waitmsg: {
    msgType: 'event',
    event: 'scancode_waitmsg',
    fields: { key: req(), scan_result: req(), scan_type: opt() },
    opens: 'click',
  },
};

/** A `say` body, checked: the action's type and its fields. */
export interface SayAction {
  type: string;
  spec: ActionSpec;
  fields: Record<string, string | number>;
  /** false: answer 202 once the action took effect, without waiting for the delivery. */
  wait: boolean;
}

const fits = (type: FieldType, v: unknown) =>
  type === 'number'
    ? typeof v === 'number' && Number.isFinite(v)
    : type === 'id'
      ? (typeof v === 'string' && v !== '') || Number.isInteger(v)
      : typeof v === 'string';

/** Checks a `say` body: a known `type`, its fields of the right types, no other keys (400 names the field). */
export function parseSay(body: unknown): Check<SayAction> {
  const bad = (why: string) => fail('INVALID_ARGS', why);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad('body: must be a JSON object');
  const b = body as Record<string, unknown>;
  const type = b.type;
  if (typeof type !== 'string' || !Object.hasOwn(ACTIONS, type)) {
    return bad(`type: must be one of ${Object.keys(ACTIONS).join(', ')}`);
  }
  const spec = ACTIONS[type] as ActionSpec;
  if (b.wait !== undefined && typeof b.wait !== 'boolean') return bad('wait: must be true or false');
  const fields: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(b)) {
    if (key === 'type' || key === 'wait') continue;
    const f = spec.fields[key];
    if (!f) return bad(`${key}: unknown key for type ${type}`);
    if (value === null && !f.required) continue;
    if (!fits(f.type, value)) {
      return bad(
        `${key}: must be ${f.type === 'number' ? 'a number' : f.type === 'id' ? 'a non-empty string or a whole number' : 'a string'}`,
      );
    }
    fields[key] = value as string | number;
  }
  for (const [key, f] of Object.entries(spec.fields)) {
    if (f.required && fields[key] === undefined) return bad(`${key}: required for type ${type}`);
  }
  if (type === 'text' && fields.content === '') return bad('content: must not be empty');
  return ok({ type, spec, fields, wait: b.wait !== false });
}

/** An element of a pushed message: a string (CDATA), a number (bare), or nested elements. */
export type XmlValue = string | number | bigint | XmlElement[];
export type XmlElement = [name: string, value: XmlValue];

/**
 * The elements after `MsgType` (push.md's table, in its order). `MsgId` is a placeholder the
 * delivery fills with the number the store gave; `generated` fills what the user did not give.
 */
export function actionElements(a: SayAction, generated: { mediaId: string; thumbMediaId: string; ticket: string }): XmlElement[] {
  const f = a.fields;
  const s = (k: string, dflt = '') => (f[k] === undefined ? dflt : String(f[k]));
  const mediaId = s('media_id', generated.mediaId);
  switch (a.type) {
    case 'text':
      return [
        ['Content', s('content')],
        ['MsgId', 0],
      ];
    case 'msgmenu_click':
      return [
        ['Content', s('content')],
        ['MsgId', 0],
        [
          'bizmsgmenuid',
          typeof f.menu_id === 'number' ? f.menu_id : /^\d+$/.test(s('menu_id')) ? Number(f.menu_id) : s('menu_id'),
        ],
      ];
    case 'image':
      return [
        ['PicUrl', s('pic_url', `https://wxkf.invalid/media/${mediaId}`)],
        ['MediaId', mediaId],
        ['MsgId', 0],
      ];
    case 'voice':
      return [
        ['MediaId', mediaId],
        ['Format', s('format', 'amr')],
        ...(f.recognition === undefined ? [] : ([['Recognition', s('recognition')]] as XmlElement[])),
        ['MsgId', 0],
      ];
    case 'video':
    case 'shortvideo':
      return [
        ['MediaId', mediaId],
        ['ThumbMediaId', s('thumb_media_id', generated.thumbMediaId)],
        ['MsgId', 0],
      ];
    case 'location':
      return [
        ['Location_X', f.x as number],
        ['Location_Y', f.y as number],
        ['Scale', f.scale === undefined ? 15 : (f.scale as number)],
        ['Label', s('label')],
        ['MsgId', 0],
      ];
    case 'link':
      return [
        ['Title', s('title')],
        ['Description', s('description')],
        ['Url', s('url')],
        ['MsgId', 0],
      ];
    case 'subscribe':
      return f.scene === undefined
        ? [['Event', 'subscribe']]
        : [
            ['Event', 'subscribe'],
            ['EventKey', `qrscene_${s('scene')}`],
            ['Ticket', s('ticket', generated.ticket)],
          ];
    case 'unsubscribe':
      return [['Event', 'unsubscribe']];
    case 'scan':
      return [
        ['Event', 'SCAN'],
        ['EventKey', s('scene')],
        ['Ticket', s('ticket', generated.ticket)],
      ];
    case 'click':
      return [
        ['Event', 'CLICK'],
        ['EventKey', s('key')],
      ];
    case 'view':
      return [
        ['Event', 'VIEW'],
        ['EventKey', s('url')],
      ];
    default:
      return [
        ['Event', a.type],
        ['EventKey', s('key')],
        [
          'ScanCodeInfo',
          [
            ['ScanType', s('scan_type', 'qrcode')],
            ['ScanResult', s('scan_result')],
          ],
        ],
      ];
  }
}
