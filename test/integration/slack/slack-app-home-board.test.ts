// Slack's App Home with the deal board (against the fake Slack Web API, the production chat
// runtime): opening the tab publishes the board in Block Kit with a "next stage" button per
// deal and the "open the board in a browser" button; the next-stage button moves the deal
// (the database shows it); the browser button DMs a link signed for that member alone, which
// the Mini App's API accepts instead of Telegram initData.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { slackStack, type SlackStack } from '../../support/slack-stack.js';
import { waitFor } from '../../support/wait.js';
import { addUser } from '../../../core/users/add-user.js';
import { systemActor } from '../../../core/actor.js';
import { actorForUser } from '../../../core/users/find-users.js';
import { createDeal } from '../../../core/deals/index.js';
import { verifyWebToken } from '../../../core/miniapp/index.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';
import { miniAppRoutes } from '../../../bots/http/miniapp/miniapp-routes.js';

const MANAGER = 'UBOARD1';
const SECRET = 'slack-board-link-secret';
const WEB_URL = 'https://crm.example.test/miniapp/';

describe('Slack App Home: the board and the web-view link', () => {
  let stack: SlackStack;
  let managerId: number;
  let dealId: number;
  let http: RunningHttpServer;

  const homeClick = (value: string) =>
    stack.slack.postInteraction({
      type: 'block_actions',
      trigger_id: `trig-${randomUUID()}`,
      team: { id: stack.slack.fake.teamId },
      user: { id: MANAGER, team_id: stack.slack.fake.teamId },
      container: { type: 'view', view_id: 'VHOME' },
      view: { id: 'VHOME', type: 'home' },
      actions: [{ type: 'button', action_id: value, value, block_id: 'b1', action_ts: `${Date.now() / 1000}` }],
    });

  beforeAll(async () => {
    stack = await slackStack({ slug: 'slack-board', webView: { url: WEB_URL, secret: SECRET, ttlMinutes: 20 } });
    stack.slack.fake.addUser({ id: MANAGER, team_id: stack.slack.fake.teamId, name: 'bob', real_name: 'Bob Board', locale: 'en-US' });
    const added = await addUser(dbContext(stack.db), systemActor(stack.ws), { name: 'Bob Board', role: 'manager' });
    managerId = added.user.id;
    await stack.slack.link(MANAGER, added.inviteCode, managerId);
    const actor = await actorForUser(stack.db, managerId);
    dealId = (await createDeal(dbContext(stack.db), actor, { title: 'Board test deal', amount: '5000', currency: 'USD' })).id;
    http = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      metrics: false,
      routes: [miniAppRoutes({ ctx: dbContext(stack.db), workspaceId: stack.ws.id, maxAgeSeconds: 3600, webTokenSecret: SECRET })],
    });
  }, 60_000);

  afterAll(async () => {
    await http?.close();
    await stack?.close();
  });

  it('publishes the board with next-stage and browser buttons; the next-stage button moves the deal', async () => {
    const before = stack.slack.fake.callsTo('views.publish').length;
    expect((await stack.slack.postEvent({ type: 'app_home_opened', user: MANAGER, channel: 'DBOARD', tab: 'home' })).status).toBe(200);
    // the publish for this open (a refresh after linking may still land, without the deal)
    const published = await stack.slack.fake.waitForCall(
      'views.publish',
      (c) =>
        c.params.user_id === MANAGER &&
        stack.slack.fake.callsTo('views.publish').indexOf(c) >= before &&
        JSON.stringify(c.params.view).includes(`#${dealId} Board test deal`),
    );
    const json = JSON.stringify(published.params.view);
    expect(json).toContain('Board · Sales');
    expect(json).toContain(`"action_id":"deal:stage:${dealId}:Qualified"`);
    expect(json).toContain('"action_id":"miniapp:link:0"');
    expect((published.params.view as { blocks: unknown[] }).blocks.length).toBeLessThanOrEqual(100);

    expect((await homeClick(`deal:stage:${dealId}:Qualified`)).status).toBe(200);
    const moved = await waitFor(async () => {
      const d = await stack.db.deal.findUniqueOrThrow({ where: { id: dealId }, include: { stage: true } });
      return d.stage.name === 'Qualified' ? d : null;
    }, 'the deal to reach Qualified');
    expect(moved.stage.name).toBe('Qualified');
  });

  it('the browser button DMs a link signed for this member, which the Mini App API accepts', async () => {
    expect((await homeClick('miniapp:link:0')).status).toBe(200);
    const dm = await stack.slack.fake.waitForCall('chat.postMessage', (c) => String(c.params.text).includes(`${WEB_URL}#token=`));
    const token = decodeURIComponent(/#token=([^\s>|]+)/.exec(String(dm.params.text))![1]!);
    const check = verifyWebToken(SECRET, token, new Date());
    expect(check).toMatchObject({ ok: true, userId: managerId, workspaceId: stack.ws.id });
    // short-lived: 20 minutes
    expect(check.ok && check.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(20 * 60_000);

    const res = await fetch(`${http.url}/miniapp/api/board`, { headers: { 'x-leadline-web-token': token } });
    expect(res.status).toBe(200);
    const board = (await res.json()) as { stages: Array<{ name: string; deals: Array<{ id: number }> }> };
    expect(board.stages.find((s) => s.name === 'Qualified')!.deals.map((d) => d.id)).toContain(dealId);
    expect((await fetch(`${http.url}/miniapp/api/board`, { headers: { 'x-leadline-web-token': token.slice(0, -2) + 'xx' } })).status).toBe(401);
  });
});
