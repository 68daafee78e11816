import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { credentialRefusal, permitsComponent } from '../../../src/domains/credentials/rules.js';
import {
  KF_PERMISSION_SETS,
  MAX_WORKER_BINDINGS,
  invitationRefusal,
  isWechatId,
  kfOnlineItems,
  sniffImage,
} from '../../../src/domains/kf/rules.js';
import type { Credential, InviteState } from '../../../src/store/store.js';
import { kfAccountRecord } from '../../helpers/records.js';

// The rules answer the errcode with its reason; these cases look at the errcode.
const credentialStatus = (...a: Parameters<typeof credentialRefusal>) => credentialRefusal(...a)?.err ?? null;
const decideInvitation = (...a: Parameters<typeof invitationRefusal>) => invitationRefusal(...a)?.err ?? null;

const account = kfAccountRecord;
const NOW = 1_800_000_000;

describe('isWechatId', () => {
  const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const REST = `${LETTERS}0123456789_-`;
  it('property: a letter then 5–19 of A-Za-z0-9_- is valid', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LETTERS),
        fc.string({ unit: fc.constantFrom(...REST), minLength: 5, maxLength: 19 }),
        (first, rest) => {
          expect(isWechatId(first + rest)).toBe(true);
        },
      ),
    );
  });
  it('property: too short, too long, a non-letter first, or any other character is invalid', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...REST), minLength: 0, maxLength: 30 }), (s) => {
        const valid = s.length >= 6 && s.length <= 20 && LETTERS.includes(s[0] as string);
        expect(isWechatId(s)).toBe(valid);
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !REST.includes(c)),
        (c) => {
          expect(isWechatId(`worker${c}x`)).toBe(false);
        },
      ),
    );
    expect(isWechatId(5)).toBe(false);
  });
});

describe('decideInvitation', () => {
  const state = (over: Partial<InviteState> = {}): InviteState => ({
    account: account(),
    workerBoundHere: false,
    otherInvitations: [],
    workerBindings: 0,
    ...over,
  });
  const waiting = { invite_wx: 'w', invite_status: 'waiting', invite_expire_time: NOW + 10 };
  it.each([
    ['no account', state({ account: undefined }), 'KF_ACCOUNT_NOT_FOUND'],
    ['bound (before a waiting invitation)', state({ account: account({ kf_wx: 'w', ...waiting }) }), 'KF_ACCOUNT_BOUND'],
    ['waiting invitation here', state({ account: account(waiting), workerBoundHere: true }), 'KF_INVITATION_EXISTS'],
    [
      'worker bound to another account here',
      state({ workerBoundHere: true, otherInvitations: [account(waiting)] }),
      'KF_WORKER_ALREADY',
    ],
    [
      'worker invited on another account here',
      state({ otherInvitations: [account(waiting)], workerBindings: 5 }),
      'KF_ALREADY_INVITED',
    ],
    ['worker bound 5 times', state({ workerBindings: MAX_WORKER_BINDINGS }), 'KF_WORKER_BOUND_TOO_MANY'],
    ['an expired invitation here does not count', state({ account: account({ ...waiting, invite_expire_time: NOW }) }), null],
    [
      'a rejected one elsewhere does not count',
      state({ otherInvitations: [account({ ...waiting, invite_status: 'rejected' })] }),
      null,
    ],
    ['4 bindings', state({ workerBindings: 4 }), null],
  ] as const)('%s', (_name, s, expected) => {
    expect(decideInvitation(s, NOW)).toBe(expected);
  });
});

describe('sniffImage', () => {
  it('JPEG and PNG by their magic bytes; anything else, or too short, is not an image', () => {
    expect(sniffImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
    expect(sniffImage(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffImage(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffImage(Uint8Array.from([0xff, 0xd8]))).toBeUndefined();
    expect(sniffImage(new Uint8Array())).toBeUndefined();
  });
  it('property: random bytes not starting with a magic number are never an image', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }).filter((b) => b[0] !== 0xff && b[0] !== 0x89),
        (b) => {
          expect(sniffImage(b)).toBeUndefined();
        },
      ),
    );
  });
});

describe('kfOnlineItems', () => {
  it('lists bound accounts that are online, with numbers', () => {
    const items = kfOnlineItems([
      account({ kf_wx: 'w', online_status: 1, accepted_case: 3 }),
      account({ kf_id: 1002, kf_wx: 'w2', online_status: 0 }),
      account({ kf_id: 1003, online_status: 1 }),
    ]);
    expect(items).toEqual([{ kf_account: 'a@x', status: 1, kf_id: '1001', accepted_case: 3 }]);
  });
});

describe('authorizer tokens', () => {
  const cred = (family: Credential['token']['family'], funcscope: number[] | null): Credential => ({
    token: {
      token_hash: 'h',
      appid: 'wx1',
      family,
      issued_at: 0,
      expires_at: 10_000,
      superseded_at: null,
      revoked_at: null,
      nonce: null,
      component_appid: 'wxc',
    },
    app: {} as Credential['app'],
    funcscope,
    kf_version: 0,
  });
  it('an authorizer token without an authorization is 40001; with one it is checked like any token', () => {
    expect(credentialStatus(cred('authorizer', null), 0)).toBe('INVALID_CREDENTIAL');
    expect(credentialStatus(cred('authorizer', [1]), 0)).toBeNull();
    expect(credentialStatus(cred('authorizer', [1]), 10_000)).toBe('ACCESS_TOKEN_EXPIRED');
  });
  it("needs one of the interface's sets; an app's own token always passes", () => {
    expect(permitsComponent(cred('authorizer', [19]), KF_PERMISSION_SETS.add)).toBe(true);
    expect(permitsComponent(cred('authorizer', [19]), KF_PERMISSION_SETS.update)).toBe(false);
    expect(permitsComponent(cred('authorizer', [2, 3]), KF_PERMISSION_SETS.getkflist)).toBe(false);
    expect(permitsComponent(cred('client_credential', null), KF_PERMISSION_SETS.inviteworker)).toBe(true);
  });
});
