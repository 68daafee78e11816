import { describe, expect, it } from 'vitest';
import { aesKeyOf, decryptMessage, encryptMessage, wechatSignature } from '../../../src/domains/push/crypto.js';
import { judgeReply } from '../../../src/domains/push/judge.js';
import { xmlDocument } from '../../../src/domains/push/xml.js';
import { decrypt, encrypt, encryptedReply, sign } from '../../helpers/wechat-crypto.js';

/** push.md's test vectors: WeChat's worked example, recomputed. */
const TOKEN = 'AAAAA';
const KEY = 'A'.repeat(43);
const APPID = 'wxba5fad812f8e6fb9';
const SAFE_ENCRYPT =
  '+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04=';
const SAFE_MESSAGE =
  '{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}';

describe('signatures', () => {
  it('the URL check, plain and safe push vectors', () => {
    expect(wechatSignature(TOKEN, '1714036504', '1514711492')).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
    expect(wechatSignature(TOKEN, '1714037059', '486452656')).toBe('899cf89e464efb63f54ddac96b0a0a235f53aa78');
    expect(wechatSignature(TOKEN, '1714112445', '415670741')).toBe('6c5c811b55cc85e0e1b54100749188c20beb3f5d');
    expect(wechatSignature(TOKEN, '1714112445', '415670741', SAFE_ENCRYPT)).toBe('046e02f8204d34f8ba5fa3b1db94908f3df2e9b3');
  });
});

describe('AES-256-CBC with 32-byte PKCS#7', () => {
  const key = aesKeyOf(KEY);
  it('the key of 43 × A is 32 zero bytes', () => expect(key).toEqual(Buffer.alloc(32)));

  it('the safe push vector: encrypting R ‖ L ‖ M ‖ appid gives the example, and it decrypts back', () => {
    expect(encryptMessage(key, APPID, SAFE_MESSAGE, 'a8eedb185eb2fecf')).toBe(SAFE_ENCRYPT);
    expect(decryptMessage(key, SAFE_ENCRYPT)).toEqual({
      ok: true,
      random: 'a8eedb185eb2fecf',
      message: SAFE_MESSAGE,
      appid: APPID,
    });
    expect(decrypt(KEY, SAFE_ENCRYPT).pad).toBe(19);
  });

  it('the encrypted reply vector, with its MsgSignature', () => {
    const e = encryptMessage(key, APPID, '{"demo_resp":"good luck"}', '707722b803182950');
    expect(e).toBe('ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==');
    expect(wechatSignature(TOKEN, '1713424427', '415670741', e)).toBe('1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1');
  });

  it('round trips through the independent implementation, every padding length 1–32', () => {
    const other = 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE';
    for (let n = 0; n < 64; n++) {
      const m = 'x'.repeat(n);
      expect(decrypt(other, encryptMessage(aesKeyOf(other), APPID, m, '0123456789abcdef')).message).toBe(m);
      expect(decryptMessage(aesKeyOf(other), encrypt(other, APPID, m))).toMatchObject({ ok: true, message: m, appid: APPID });
    }
    expect(sign('b', 'a', 'c')).toBe(wechatSignature('c', 'b', 'a'));
  });

  it('refuses bad base64, a length not a multiple of 32, and bad padding', () => {
    expect(decryptMessage(key, '!!!!').ok).toBe(false);
    expect(decryptMessage(key, Buffer.alloc(16).toString('base64')).ok).toBe(false);
    const good = Buffer.from(SAFE_ENCRYPT, 'base64');
    const broken = Buffer.from(good);
    broken.writeUInt8(broken.readUInt8(broken.length - 1) ^ 0xff, broken.length - 1);
    expect(decryptMessage(key, broken.toString('base64'))).toMatchObject({ ok: false });
  });
});

describe('judging a reply (push.md rows 1–12)', () => {
  const ctx = {
    mode: 'safe' as const,
    token: TOKEN,
    aesKey: aesKeyOf(KEY),
    appid: APPID,
    openid: 'u1',
    originalId: 'gh_97417a04a28d',
  };
  const reply = (type: string, more = '') =>
    `<xml><ToUserName><![CDATA[u1]]></ToUserName><FromUserName><![CDATA[gh_97417a04a28d]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[${type}]]></MsgType>${more}</xml>`;
  it('each row, in order', () => {
    expect(judgeReply(' success\n', ctx).status).toBe('acknowledged');
    expect(judgeReply('', ctx).status).toBe('acknowledged');
    expect(judgeReply('{"a":1}', ctx).problem).toBe('not_xml');
    expect(judgeReply(reply('text', '<Content>x</Content>'), { ...ctx, mode: 'plain' }).status).toBe('replied');
    expect(judgeReply('<xml><Encrypt>x</Encrypt></xml>', { ...ctx, mode: 'plain' }).problem).toBe('encrypted_in_plain_mode');
    expect(judgeReply('<xml><Encrypt>x</Encrypt><TimeStamp>1</TimeStamp><Nonce>1</Nonce></xml>', ctx).problem).toBe(
      'missing_field:MsgSignature',
    );
    expect(
      judgeReply(encryptedReply(TOKEN, KEY, APPID, reply('text', '<Content>x</Content>'), '1714112445000'), ctx).problem,
    ).toBe('bad_timestamp');
    expect(judgeReply(encryptedReply('wrong', KEY, APPID, reply('text', '<Content>x</Content>')), ctx).problem).toBe(
      'bad_msg_signature',
    );
    expect(judgeReply(encryptedReply(TOKEN, KEY, 'wx0000000000000000', reply('text', '<Content>x</Content>')), ctx).problem).toBe(
      'wrong_appid',
    );
    expect(judgeReply(reply('text', '<Content>x</Content>'), ctx).problem).toBe('plain_in_safe_mode');
    const plain = { ...ctx, mode: 'plain' as const };
    expect(judgeReply(reply('text', '<Content>x</Content>').replace('u1', 'u2'), plain).problem).toBe('wrong_to_user');
    expect(judgeReply(reply('bogus'), plain).problem).toBe('unknown_msg_type');
    expect(judgeReply(reply('text'), plain).problem).toBe('missing_field:Content');
    expect(judgeReply(reply('image', '<Image><MediaId>m</MediaId></Image>'), plain).status).toBe('replied');
    expect(
      judgeReply(reply('news', '<ArticleCount>2</ArticleCount><Articles><item><Title>t</Title></item></Articles>'), plain)
        .problem,
    ).toBe('missing_field:ArticleCount');
    expect(judgeReply(reply('transfer_customer_service'), plain).status).toBe('transferred');
    // Well-formed with text only in the root: no elements, so row 9 refuses it.
    expect(judgeReply('<xml>abc</xml>', plain).problem).toBe('wrong_to_user');
    expect(judgeReply(encryptedReply(TOKEN, KEY, APPID, reply('text', '<Content>x</Content>')), ctx)).toMatchObject({
      status: 'replied',
      msg_type: 'text',
    });
  });

  it('XML is built with CDATA strings, bare numbers, and a split ]]>', () => {
    expect(
      xmlDocument([
        ['A', 'x]]>y'],
        ['B', 1],
        ['C', [['D', 'z']]],
      ]),
    ).toBe('<xml><A><![CDATA[x]]]]><![CDATA[>y]]></A><B>1</B><C><D><![CDATA[z]]></D></C></xml>');
  });
});
