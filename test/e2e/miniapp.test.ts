// The Mini App in a real browser (playwright-core driving Debian's Chromium): the web role's
// /miniapp/ front end (built by Vite for this run) and its API against the test database.
// Signed in as Telegram does it, with initData in the URL hash (tgWebAppData) signed with the
// bot token: the head sees the team's board, moves a deal to the next stage (the database
// shows it) and switches to Russian; a manager sees only their own deals; a forged or stale
// initData is 401 with no data; an unlinked account is 403; a web-view token (the link a Slack
// user gets) signs in too. Screenshots of the board at phone and desktop sizes go to
// test-output/ (docs/miniapp-board.png in the README is one of them). Generous timeouts: the
// browser shares two cores with the rest of the suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { testDb } from '../support/db.js';
import { makeTeam } from '../support/team.js';
import { waitFor } from '../support/wait.js';
import { createDeal } from '../../core/deals/index.js';
import { createTask } from '../../core/tasks/index.js';
import { defaultPipeline } from '../../core/workspaces/default-pipeline.js';
import { issueWebToken } from '../../core/miniapp/index.js';
import { startHttpServer, type RunningHttpServer } from '../../bots/http/server.js';
import { miniAppRoutes } from '../../bots/http/miniapp/miniapp-routes.js';
import { signInitData } from '../../bots/http/miniapp/init-data.js';
import { buildMiniApp } from '../../scripts/build-miniapp.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BOT_TOKEN = '123456:TEST-miniapp-token';
const LINK_SECRET = 'miniapp-link-secret-for-tests';
const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-output');
const HEAD_TG = 7001;
const MANAGER_TG = 7002;
const STRANGER_TG = 7999;

const db = testDb();

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('Mini App in Chromium', () => {
  let server: RunningHttpServer;
  let browser: Browser;
  let dist: string;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let headDeal: number;
  let managerDeal: number;
  let stages: Array<{ id: number; name: string }>;

  // auth_date from the server's clock (the test's ManualClock), so a slow run never makes it look stale
  const initData = (tgUserId: number, opts: { authDate?: number; language?: string } = {}) =>
    signInitData(BOT_TOKEN, {
      query_id: 'AAHdF6IQAAAAAN0XohDhrOrc',
      user: JSON.stringify({ id: tgUserId, first_name: 'Test', language_code: opts.language ?? 'en' }),
      auth_date: String(opts.authDate ?? Math.floor(team.clock.now().getTime() / 1000)),
    });

  const appUrl = (data: string) => {
    const theme = JSON.stringify({
      bg_color: '#ffffff',
      text_color: '#222222',
      button_color: '#2f7de1',
      button_text_color: '#ffffff',
      secondary_bg_color: '#eef1f5',
    });
    return `${server.url}/miniapp/#tgWebAppData=${encodeURIComponent(data)}&tgWebAppVersion=8.0&tgWebAppPlatform=android&tgWebAppThemeParams=${encodeURIComponent(theme)}`;
  };

  async function open(data: string, viewport = { width: 390, height: 844 }): Promise<Page> {
    const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
    // no internet here: Telegram's own script is not needed (the hash carries initData and the theme)
    await page.route('https://telegram.org/**', (route) => route.abort());
    await page.goto(appUrl(data));
    return page;
  }

  beforeAll(async () => {
    dist = mkdtempSync(path.join(tmpdir(), 'leadline-miniapp-'));
    await buildMiniApp(dist);
    team = await makeTeam(db, {
      members: [
        { name: 'Helen Head', role: 'head' },
        { name: 'Max Manager', role: 'manager' },
        { name: 'Olga Other', role: 'manager' },
      ],
    });
    const [head, max, olga] = team.actors as [(typeof team.actors)[0], (typeof team.actors)[0], (typeof team.actors)[0]];
    for (const [user, tg] of [
      [head, HEAD_TG],
      [max, MANAGER_TG],
    ] as const) {
      await db.identity.create({
        data: { workspaceId: team.workspaceId, channel: 'telegram', externalId: String(tg), chatId: String(tg), userId: user.userId },
      });
    }
    const contact = await db.contact.create({ data: { workspaceId: team.workspaceId, name: 'Ivan Petrov', nameKey: 'ivan petrov', ownerId: max.userId } });
    const conversation = await db.conversation.create({ data: { workspaceId: team.workspaceId, contactId: contact.id, channel: 'telegram' } });
    await db.message.create({
      data: { workspaceId: team.workspaceId, conversationId: conversation.id, direction: 'inbound', channel: 'telegram', text: 'Hello, we need 40 licences' },
    });
    managerDeal = (await createDeal(team.ctx, max, { title: 'Acme licences', amount: '120000', currency: 'RUB', contactId: contact.id })).id;
    await createDeal(team.ctx, max, { title: 'Globex pilot', amount: '45000', currency: 'RUB', stageName: 'Qualified' });
    headDeal = (await createDeal(team.ctx, olga, { title: 'Initech renewal', amount: '9000', currency: 'EUR', stageName: 'Proposal' })).id;
    await createDeal(team.ctx, head, { title: 'Umbrella rollout', amount: '300000', currency: 'RUB', stageName: 'Negotiation' });
    stages = (await defaultPipeline(db, team.workspaceId)).stages;
    await createTask(team.ctx, max, { title: 'Call Ivan about the licences', dueAt: new Date(team.clock.now().getTime() - 3600_000), contactId: contact.id });
    server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      metrics: false,
      routes: [
        miniAppRoutes({ ctx: team.ctx, workspaceId: team.workspaceId, botToken: BOT_TOKEN, maxAgeSeconds: 3600, webTokenSecret: LINK_SECRET, distDir: dist }),
      ],
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    mkdirSync(OUT, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('serves the page with caching headers: index no-cache, hashed assets immutable', async () => {
    const index = await fetch(`${server.url}/miniapp/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /assets\/(index-[\w-]+\.js)/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const js = await fetch(`${server.url}/miniapp/assets/${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${server.url}/miniapp/assets/..%2Fpackage.json`)).status).toBe(404);
  }, 120_000);

  it('the head sees the whole board, moves a deal to the next stage and switches to Russian', async () => {
    const page = await open(initData(HEAD_TG));
    await page.getByTestId(`deal-${managerDeal}`).waitFor({ timeout: 20_000 });
    // the team's deals: Max's, Olga's and the head's own
    await expect(page.getByTestId(`deal-${headDeal}`).isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('board').locator('article').count()).resolves.toBe(4);
    await page.screenshot({ path: path.join(OUT, 'miniapp-board-phone.png'), fullPage: false });

    const next = stages[1]!;
    await page.getByTestId(`next-${managerDeal}`).click();
    await page
      .getByTestId('toast')
      .filter({ hasText: `#${managerDeal}` })
      .waitFor({ timeout: 15_000 });
    const moved = await waitFor(async () => {
      const d = await db.deal.findUniqueOrThrow({ where: { id: managerDeal } });
      return d.stageId === next.id ? d : null;
    }, 'the deal to be in the next stage');
    expect(moved.stageId).toBe(next.id);
    // the move is the use case's: audited on the deal's timeline
    const activity = await db.activity.findFirst({ where: { dealId: managerDeal, type: 'deal.stage_moved' } });
    expect(activity).not.toBeNull();
    await page.getByTestId(`stage-${next.id}`).getByTestId(`deal-${managerDeal}`).waitFor();

    await page.getByTestId('lang-ru').click();
    await expect(page.getByTestId('tab-board').textContent()).resolves.toBe('Воронка');
    await page.getByTestId('tab-team').click();
    await page.getByTestId('funnel').waitFor();
    await expect(page.getByTestId('team').textContent()).resolves.toContain('Воронка: открытые сделки по этапам');
    await page.close();

    const desktop = await open(initData(HEAD_TG), { width: 1280, height: 800 });
    await desktop.getByTestId(`deal-${headDeal}`).waitFor({ timeout: 20_000 });
    await desktop.screenshot({ path: path.join(OUT, 'miniapp-board-desktop.png') });
    await desktop.close();
  }, 120_000);

  it('a deal dragged onto another stage moves there', async () => {
    const page = await open(initData(HEAD_TG), { width: 1280, height: 800 });
    await page.getByTestId(`deal-${headDeal}`).waitFor({ timeout: 20_000 });
    const target = stages[3]!;
    await page.getByTestId(`deal-${headDeal}`).dragTo(page.getByTestId(`stage-${target.id}`));
    await waitFor(async () => (await db.deal.findUniqueOrThrow({ where: { id: headDeal } })).stageId === target.id, 'the dragged deal to move');
    await page.close();
  }, 120_000);

  it('a manager sees only their own deals, and a contact card with its history', async () => {
    const page = await open(initData(MANAGER_TG, { language: 'ru' }));
    await page.getByTestId(`deal-${managerDeal}`).waitFor({ timeout: 20_000 });
    // Max's two deals, none of Olga's or the head's
    await expect(page.getByTestId('board').locator('article').count()).resolves.toBe(2);
    await expect(page.getByTestId(`deal-${headDeal}`).count()).resolves.toBe(0);
    // Russian from the Telegram user's language
    await expect(page.getByTestId('tab-board').textContent()).resolves.toBe('Воронка');
    // no team tab for a manager
    await expect(page.getByTestId('tab-team').count()).resolves.toBe(0);
    await page.getByTestId(`deal-${managerDeal}`).getByRole('button', { name: 'Ivan Petrov' }).click();
    await page.getByTestId('history').filter({ hasText: 'Hello, we need 40 licences' }).waitFor();
    // "Mine": the overdue task, marked so in Russian
    await page.getByTestId('tab-mine').click();
    await page.getByTestId('mine').filter({ hasText: 'Call Ivan about the licences' }).waitFor();
    await expect(page.getByTestId('mine').textContent()).resolves.toContain('просрочена');
    await page.close();

    // the API agrees: another owner's deal cannot be moved, the team figures are refused
    const headers = { 'x-telegram-init-data': initData(MANAGER_TG), 'content-type': 'application/json' };
    const move = await fetch(`${server.url}/miniapp/api/deals/${headDeal}/move`, { method: 'POST', headers, body: JSON.stringify({ stageId: stages[0]!.id }) });
    expect(move.status).toBe(403);
    expect((await fetch(`${server.url}/miniapp/api/team`, { headers })).status).toBe(403);
  }, 120_000);

  it('a forged or stale initData gets 401 and no data; an unlinked account 403', async () => {
    const good = initData(HEAD_TG);
    const forged = good.replace(/hash=[0-9a-f]{4}/, 'hash=0000');
    const otherBot = signInitData('999:another-bot', {
      user: JSON.stringify({ id: HEAD_TG }),
      auth_date: String(Math.floor(team.clock.now().getTime() / 1000)),
    });
    const tampered = new URLSearchParams(good);
    tampered.set('user', JSON.stringify({ id: MANAGER_TG, first_name: 'Test' }));
    const stale = initData(HEAD_TG, { authDate: Math.floor(team.clock.now().getTime() / 1000) - 7200 });
    for (const data of [forged, otherBot, tampered.toString(), stale, '']) {
      const res = await fetch(`${server.url}/miniapp/api/board`, { headers: data ? { 'x-telegram-init-data': data } : {} });
      expect(res.status).toBe(401);
      const body = await res.text();
      expect(body).not.toContain('Acme');
      expect(body).not.toContain('stages');
    }
    const stranger = await fetch(`${server.url}/miniapp/api/board`, { headers: { 'x-telegram-init-data': initData(STRANGER_TG) } });
    expect(stranger.status).toBe(403);
    expect(await stranger.text()).not.toContain('Acme');

    const page = await open(stale);
    await page.getByTestId('auth-failed').waitFor({ timeout: 20_000 });
    await expect(page.getByTestId('board').count()).resolves.toBe(0);
    await page.close();
    const unlinked = await open(initData(STRANGER_TG));
    await unlinked.getByTestId('not-linked').waitFor({ timeout: 20_000 });
    await unlinked.close();
  }, 120_000);

  it('a web-view token (the link a Slack user gets) signs in as that member until it expires', async () => {
    const max = team.actors[1]!;
    const token = issueWebToken(LINK_SECRET, { workspaceId: team.workspaceId, userId: max.userId }, new Date(team.clock.now().getTime() + 600_000));
    const res = await fetch(`${server.url}/miniapp/api/board`, { headers: { 'x-leadline-web-token': token } });
    expect(res.status).toBe(200);
    const board = (await res.json()) as { stages: Array<{ deals: Array<{ id: number }> }> };
    expect(board.stages.flatMap((s) => s.deals.map((d) => d.id))).toContain(managerDeal);
    expect(board.stages.flatMap((s) => s.deals.map((d) => d.id))).not.toContain(headDeal);
    const expired = issueWebToken(LINK_SECRET, { workspaceId: team.workspaceId, userId: max.userId }, new Date(team.clock.now().getTime() - 1000));
    expect((await fetch(`${server.url}/miniapp/api/board`, { headers: { 'x-leadline-web-token': expired } })).status).toBe(401);
    const forged = issueWebToken(
      'not-the-secret-at-all',
      { workspaceId: team.workspaceId, userId: max.userId },
      new Date(team.clock.now().getTime() + 600_000),
    );
    expect((await fetch(`${server.url}/miniapp/api/board`, { headers: { 'x-leadline-web-token': forged } })).status).toBe(401);

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.route('https://telegram.org/**', (route) => route.abort());
    await page.goto(`${server.url}/miniapp/#token=${encodeURIComponent(token)}`);
    await page.getByTestId(`deal-${managerDeal}`).waitFor({ timeout: 20_000 });
    await page.close();
  }, 120_000);
});
