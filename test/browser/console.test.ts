import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../helpers/admin.js';
import { call } from '../helpers/http.js';
import { startTarget, type Target } from '../helpers/target.js';

/**
 * The web console in a real browser (Debian's chromium, installed by .ci/run): sign-in, apps,
 * live kf accounts, faults firing in the live tail, the clock expiring a token, stored text shown
 * as text. A screenshot of every page goes to test-artifacts/console/ (not committed).
 */
const SHOTS = 'test-artifacts/console';
const APPID = 'wx00000000c0c0c0c0';
const XSS_KF = '<i id=x>i</i>';
const XSS_USER = '<img src=x onerror=alert(1)>';
let t: Target;
let admin: AdminClient;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await startTarget();
  admin = new AdminClient(t);
  await admin.reset();
  await admin.clock({ real: true });
  await admin.freeze();
  await admin.seed({
    apps: [
      {
        appid: APPID,
        alias: 'console_demo',
        original_id: 'gh_00000000c0c0',
        label: 'console',
        kf_accounts: [{ kf_account: 'xss@console_demo', nickname: XSS_KF }],
        users: [{ openid: 'o_console_user', nickname: XSS_USER }],
      },
    ],
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await admin?.clock({ real: true });
  await t?.close();
});

const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

describe('the web console', () => {
  it('refuses a wrong admin token, then signs in', async () => {
    await page.goto(`${t.baseUrl}/console`);
    await page.fill('input[name=token]', 'not-the-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('not this deployment');
    await shot('signin-refused');
    await page.fill('input[name=token]', t.adminToken);
    await page.click('button[type=submit]');
    await page.locator('h1', { hasText: 'Apps' }).waitFor();
    await page.locator(`text=${APPID}`).waitFor();
    await shot('apps');
  });

  it('creates an app', async () => {
    await page.fill('input[name=appid]', 'wx00000000c0c0c0c1');
    await page.fill('input[name=alias]', 'made_in_ui');
    await page.click('form.grid-form button[type=submit]');
    await page.locator('text=wx00000000c0c0c0c1').first().waitFor();
    await expect.poll(() => page.locator('.note').textContent()).toMatch(/Created wx00000000c0c0c0c1 with secret [0-9a-f]{32}/);
  });

  it('shows a kf account added through the public API without a reload, and stored text as text', async () => {
    await page.goto(`${t.baseUrl}/console/#/apps/${APPID}/kf`);
    await page.locator('text=xss@console_demo').waitFor();
    const token = await admin.token(APPID);
    await call(t.baseUrl, '/customservice/kfaccount/add', {
      query: { access_token: token },
      body: { kf_account: 'live@console_demo', nickname: '实时' },
    });
    await page.locator('text=live@console_demo').waitFor({ timeout: 10_000 });
    expect(await page.locator('.nick', { hasText: XSS_KF }).count()).toBe(1);
    expect(await page.evaluate('document.getElementById("x") === null')).toBe(true);
    await shot('app-kf-accounts');
    await page.goto(`${t.baseUrl}/console/#/apps/${APPID}/users`);
    await page.locator('.nick', { hasText: XSS_USER }).waitFor();
    expect(await page.locator('img[src=x]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await shot('app-users');
  });

  it('a fault added in the console fires, and the live tail shows it', async () => {
    await page.goto(`${t.baseUrl}/console/#/faults`);
    await page.locator('text=No faults').waitFor();
    await page.fill('input[name=path]', '/customservice/getkflist');
    await page.fill('input[name=errcode]', '-1');
    await page.fill('input[name=count]', '1');
    await page.click('form.grid-form button[type=submit]');
    await page.locator('td', { hasText: 'next 1' }).waitFor();
    await shot('faults');
    await page.goto(`${t.baseUrl}/console/#/journal`);
    await page.locator('text=live').first().waitFor();
    const token = await admin.token(APPID);
    const answered = await call(t.baseUrl, '/cgi-bin/customservice/getkflist', { query: { access_token: token } });
    expect(answered.json.errcode).toBe(-1);
    const rid = /rid: (\S+)$/.exec(String(answered.json.errmsg))?.[1] as string;
    await page.locator(`text=${rid}`).waitFor({ timeout: 10_000 });
    await page
      .locator('.reason', { hasText: /fault \d+: answered by injected fault/ })
      .first()
      .waitFor();
    await shot('journal');
    await page.click(`text=${rid}`);
    await page.locator('.detail', { hasText: 'answered by injected fault' }).waitFor();
  });

  it('moving the clock expires a token', async () => {
    await admin.token(APPID);
    await page.goto(`${t.baseUrl}/console/#/apps/${APPID}/tokens`);
    await page.locator('td', { hasText: 'sha256:' }).first().waitFor();
    await shot('app-tokens');
    await page.goto(`${t.baseUrl}/console/#/clock`);
    await page.locator('[data-testid=clock-now]').waitFor();
    await page.click('text=+2 hours');
    await page.locator('text=offset').waitFor();
    await shot('clock');
    await page.goto(`${t.baseUrl}/console/#/apps/${APPID}/tokens`);
    await page.locator('text=No live token').waitFor({ timeout: 10_000 });
  });

  it('every other page renders, and the apps page works on a narrow window', async () => {
    // Some traffic first, so the outbox, sessions and deliveries pages show rows.
    const token = await admin.token(APPID);
    await admin.request('POST', `/apps/${APPID}/users/o_console_user/say`, { type: 'text', content: 'hello' });
    await call(t.baseUrl, '/cgi-bin/message/custom/send', {
      query: { access_token: token },
      body: { touser: 'o_console_user', msgtype: 'text', text: { content: 'Hi, how can we help?' } },
    });
    await call(t.baseUrl, '/cgi-bin/message/custom/send', {
      query: { access_token: token },
      body: { touser: 'nobody', msgtype: 'text' },
    });
    for (const tab of ['overview', 'outbox', 'sessions', 'deliveries']) {
      await page.goto(`${t.baseUrl}/console/#/apps/${APPID}/${tab}`);
      await page.locator('.card').first().waitFor();
      await shot(`app-${tab}`);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.baseUrl}/console/#/apps`);
    await page.locator(`text=${APPID}`).waitFor();
    await shot('apps-narrow');
  });
});
