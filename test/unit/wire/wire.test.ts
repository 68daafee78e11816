import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ERR,
  HINT_PATTERN,
  RID_MAX_SECONDS,
  RID_PATTERN,
  WxError,
  errNameOf,
  errorBody,
  formatRid,
  makeHint,
  parseErrmsg,
  parseJsonObjectBody,
  parseRid,
  withinRidTime,
} from '../../../src/wire/index.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('rid', () => {
  it('first group is the Unix seconds in hex, the others the random bytes', () => {
    const rid = formatRid(1_795_612_721.9, Uint8Array.from([1, 2, 3, 4, 0xa, 0xb, 0xc, 0xd]));
    expect(rid).toBe('6b06e031-01020304-0a0b0c0d');
    expect(parseRid(rid)).toEqual({ unixSeconds: 1_795_612_721 });
  });
  it('property: format and parse agree for any time and bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), (s, b) => {
        const rid = formatRid(s, b);
        expect(rid).toMatch(RID_PATTERN);
        expect(parseRid(rid)?.unixSeconds).toBe(s);
      }),
    );
  });
  it('rejects what is not a rid', () => {
    expect(parseRid('6B06E031-01020304-0a0b0c0d')).toBeUndefined();
    expect(parseRid('')).toBeUndefined();
  });
});

describe('envelope', () => {
  it('an error reads "<text> hint: [<hint>] rid: <rid>", or without the hint', () => {
    expect(errorBody(65406, 'custom service account exists', 'r', 'h')).toEqual({
      errcode: 65406,
      errmsg: 'custom service account exists hint: [h] rid: r',
    });
    expect(errorBody(40013, 'invalid appid', 'r')).toEqual({ errcode: 40013, errmsg: 'invalid appid rid: r' });
  });
  it('property: parseErrmsg takes back what errorBody wrote', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(ERR).map((e) => e.errmsg)),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        (text, h) => {
          const hint = makeHint(h);
          expect(hint).toMatch(HINT_PATTERN);
          const rid = formatRid(1, h);
          expect(parseErrmsg(errorBody(1, text, rid, hint).errmsg)).toEqual({ text, hint, rid });
        },
      ),
    );
  });
  it('WxError fills the IP into 40164', () => {
    const e = new WxError('IP_NOT_IN_WHITELIST', '1.2.3.4 is not on the whitelist', { ip: '1.2.3.4' });
    expect(e.text).toBe('invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist');
    expect(e.errcode).toBe(40164);
  });
  it('every errcode appears once in the table', () => {
    const codes = Object.values(ERR).map((e) => e.errcode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(errNameOf(65406)).toBe('KF_ACCOUNT_EXISTS');
  });
});

describe('parseJsonObjectBody', () => {
  const code = (raw: Uint8Array | undefined) => {
    try {
      parseJsonObjectBody(raw);
      return 0;
    } catch (e) {
      return (e as WxError).errcode;
    }
  };
  it.each([
    [undefined, 44002],
    ['', 44002],
    ['\ufeff', 44002],
    ['  \n', 44002],
    ['[]', 47001],
    ['null', 47001],
    ['"s"', 47001],
    ['{', 47001],
    ['{}', 0],
    ['\ufeff{"a":1}', 0],
    [' {"a":1} ', 0],
  ])('%j → %i', (raw, expected) => {
    expect(code(raw === undefined ? undefined : bytes(raw))).toBe(expected);
  });
  it('a body that is not UTF-8 is 47001, whatever JSON it seems to hold', () => {
    const withByte = (b: number) => Uint8Array.from([...bytes('{"nickname":"'), b, ...bytes('"}')]);
    expect(code(withByte(0xff))).toBe(47001);
    expect(code(withByte(0xc3))).toBe(47001); // a lead byte with no continuation
    expect(code(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe(47001); // an encoded surrogate
    expect(code(bytes('{"nickname":"é客😀"}'))).toBe(0);
  });
  it('property: any bytes give an object, 44002 or 47001, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect([0, 44002, 47001]).toContain(code(b));
      }),
    );
  });
});

describe('the times a rid can carry', () => {
  it('are Unix seconds 0 to 0xffffffff (8 hex digits); the deployment clock is kept within them', () => {
    expect(RID_MAX_SECONDS).toBe(0xffffffff);
    expect([0, 1_795_000_000_000, RID_MAX_SECONDS * 1000, RID_MAX_SECONDS * 1000 + 999].map(withinRidTime)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([-1, (RID_MAX_SECONDS + 1) * 1000, 1e20, Number.NaN, Infinity].map(withinRidTime)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(formatRid(RID_MAX_SECONDS, new Uint8Array(8)).slice(0, 8)).toBe('ffffffff');
  });
});
