import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

/**
 * WeChat's push signatures and safe-mode cipher (push.md): SHA-1 over the sorted, joined
 * parts; AES-256-CBC with the key's first 16 bytes as IV and PKCS#7 padding to 32-byte blocks.
 */

/** `signature` over [token, timestamp, nonce], or `msg_signature` with the Encrypt value as a 4th part. */
export function wechatSignature(...parts: string[]): string {
  const sorted = [...parts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha1').update(sorted.join('')).digest('hex');
}

/** AESKey = base64-decode(EncodingAESKey + "="): 32 bytes. */
export function aesKeyOf(encodingAesKey: string): Buffer {
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

const BLOCK = 32;

/** Encrypt = base64(AES-256-CBC(R ‖ L ‖ M ‖ appid, PKCS#7 to 32 bytes)); `random16` is R. */
export function encryptMessage(key: Buffer, appid: string, message: string, random16: string): string {
  const m = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(m.length);
  const plain = Buffer.concat([Buffer.from(random16, 'latin1'), length, m, Buffer.from(appid, 'latin1')]);
  const k = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(k, k)])), cipher.final()]).toString('base64');
}

export type Decrypted = { ok: true; message: string; appid: string; random: string } | { ok: false; why: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Reverses encryptMessage and checks it all: base64, length, padding, L within the rest. */
export function decryptMessage(key: Buffer, encrypted: string): Decrypted {
  if (!BASE64.test(encrypted) || encrypted.length % 4 !== 0) return { ok: false, why: 'Encrypt is not valid base64' };
  const bytes = Buffer.from(encrypted, 'base64');
  if (bytes.length === 0 || bytes.length % BLOCK !== 0)
    return { ok: false, why: `${bytes.length} bytes is not a non-zero multiple of 32` };
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(bytes), decipher.final()]);
  const k = plain[plain.length - 1] as number;
  if (k < 1 || k > BLOCK || !plain.subarray(plain.length - k).every((b) => b === k))
    return { ok: false, why: 'bad PKCS#7 padding' };
  const body = plain.subarray(0, plain.length - k);
  if (body.length < 20) return { ok: false, why: 'plaintext shorter than its random bytes and length' };
  const length = body.readUInt32BE(16);
  if (20 + length > body.length) return { ok: false, why: `length ${length} runs past the plaintext` };
  return {
    ok: true,
    random: body.subarray(0, 16).toString('latin1'),
    message: body.subarray(20, 20 + length).toString('utf8'),
    appid: body.subarray(20 + length).toString('latin1'),
  };
}
