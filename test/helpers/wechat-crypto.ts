import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** An app server's side of WeChat's safe mode, written from push.md with node:crypto only (independent of src/). */
export const sign = (...parts: string[]) =>
  createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');

const keyOf = (encodingAesKey: string) => Buffer.from(encodingAesKey + '=', 'base64');

export function encrypt(encodingAesKey: string, appid: string, message: string, random = randomBytes(8).toString('hex')): string {
  const key = keyOf(encodingAesKey);
  const m = Buffer.from(message);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(m.length);
  let plain = Buffer.concat([Buffer.from(random), len, m, Buffer.from(appid)]);
  const pad = 32 - (plain.length % 32);
  plain = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

export function decrypt(encodingAesKey: string, b64: string): { random: string; message: string; appid: string; pad: number } {
  const key = keyOf(encodingAesKey);
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]);
  const pad = plain[plain.length - 1]!;
  const body = plain.subarray(0, plain.length - pad);
  const len = body.readUInt32BE(16);
  return {
    random: body.subarray(0, 16).toString(),
    message: body.subarray(20, 20 + len).toString(),
    appid: body.subarray(20 + len).toString(),
    pad,
  };
}

/** An encrypted passive reply (push.md): Encrypt, MsgSignature over the reply's own TimeStamp and Nonce. */
export function encryptedReply(
  token: string,
  encodingAesKey: string,
  appid: string,
  xml: string,
  timestamp = '1714112445',
  nonce = '123456789',
): string {
  const e = encrypt(encodingAesKey, appid, xml);
  return `<xml><Encrypt><![CDATA[${e}]]></Encrypt><MsgSignature><![CDATA[${sign(token, timestamp, nonce, e)}]]></MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`;
}
