import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { crmCommandText, fromSlackText, stripBotMention } from '../../../bots/slack/slack-text.js';
import { helpText } from '../../../core/chat/commands/start.js';
import { digestChannelArg } from '../../../core/digests/digest-target.js';
import { homeView } from '../../../bots/slack/slack-home.js';

const slackHelp = (locale: 'en' | 'ru') => helpText(locale, 'slack');

describe('Slack text', () => {
  it('turns Slack markup into plain text', () => {
    expect(fromSlackText('Hi <@U123|ivan>, see <https://acme.io|our site> &amp; <mailto:a@b.c|a@b.c> in <#C1|sales> <!here> 5 &lt; 6')).toBe(
      'Hi @ivan, see our site (https://acme.io) & a@b.c (mailto:a@b.c) in #sales @here 5 < 6',
    );
    expect(fromSlackText('<https://x.io>')).toBe('https://x.io');
    expect(fromSlackText(undefined)).toBe('');
  });

  it('strips the app mention', () => {
    expect(stripBotMention('<@UBOT> remind me at 10', 'UBOT')).toBe('remind me at 10');
  });

  it('maps /crm arguments to the engine commands', () => {
    expect(crmCommandText('')).toBe('/help');
    expect(crmCommandText('leads mine')).toBe('/leads mine');
    expect(crmCommandText('link AbC-123')).toBe('/start AbC-123');
    expect(crmCommandText('Stage Acme negotiation')).toBe('/stage Acme negotiation');
    expect(crmCommandText('note 4 call <@U1|ivan>')).toBe('/note 4 call @ivan');
    expect(crmCommandText('digest channel <#C0SALES1|sales>')).toBe('/digest channel <#C0SALES1|sales>');
  });

  it('reads a channel from an escaped mention', () => {
    expect(digestChannelArg('<#C0SALES1|sales>')).toEqual({ id: 'C0SALES1', label: '#sales' });
    expect(digestChannelArg('C0SALES1')).toEqual({ id: 'C0SALES1', label: 'C0SALES1' });
    expect(digestChannelArg('#sales')).toBeNull();
    expect(digestChannelArg(undefined)).toBeNull();
  });
});

describe('/crm help', () => {
  it.each([
    ['en', ['/crm leads', '/crm deal', '/crm done', '/crm tasks', '/crm link CODE', '/crm digest channel']],
    ['ru', ['/crm лиды', '/crm сделка', '/crm готово', '/crm задачи', '/crm link КОД', '/crm digest channel']],
  ] as const)('lists the commands as /crm commands in %s', (locale, commands) => {
    const help = slackHelp(locale);
    for (const c of commands) expect(help).toContain(c);
    // no bare engine command is left unprefixed
    expect(help).not.toMatch(/(^|[\s,(])\/(?!crm )[a-zа-яё]/imu);
  });

  it('is in Russian for ru', () => {
    expect(slackHelp('ru')).toMatch(/КОД/);
    expect(slackHelp('en')).not.toMatch(/[а-яё]/i);
  });
});

describe('App Home view', () => {
  it('shows tasks with Done buttons, leads and deals, escaping titles', () => {
    const view = homeView(
      'en',
      {
        name: 'Mia',
        timezone: 'UTC',
        tasks: [{ id: 42, title: 'Call <Ivan>', due: new Date('2026-03-10T15:00:00Z') }],
        leads: [{ id: 7, title: 'Acme wants 50 seats', status: 'new' }],
        deals: [{ id: 3, title: 'Acme', stage: 'Negotiation', amount: '120000', currency: 'USD' }],
      },
      new Date('2026-03-10T12:00:00Z'),
    );
    const json = JSON.stringify(view);
    expect(view.type).toBe('home');
    expect(json).toContain('Call &lt;Ivan&gt;');
    expect(json).toContain('"action_id":"task:done:42"');
    expect(json).toContain('#7 Acme wants 50 seats · new');
    expect(json).toContain('#3 Acme · Negotiation · $120,000');
  });

  it('says when a list is empty, in Russian too', () => {
    const json = JSON.stringify(homeView('ru', { name: 'Мия', timezone: 'UTC', tasks: [], leads: [], deals: [] }, new Date()));
    expect(json).toContain('На сегодня ничего нет.');
    expect(json).toContain('Открытых сделок нет.');
  });
});

describe('slack-app-manifest.yml', () => {
  const manifest = readFileSync(new URL('../../../slack-app-manifest.yml', import.meta.url), 'utf8');
  it.each([
    'chat:write',
    'im:history',
    'im:read',
    'im:write',
    'channels:history',
    'groups:history',
    'users:read',
    'users:read.email',
    'files:read',
    'files:write',
    'commands',
    'app_mentions:read',
  ])('requests the %s scope', (scope) => {
    expect(manifest).toMatch(new RegExp(`^\\s+- ${scope.replace('.', '\\.')}$`, 'm'));
  });
  it.each(['message.im', 'message.channels', 'message.groups', 'app_home_opened', 'app_mention'])('subscribes to %s', (event) => {
    expect(manifest).toMatch(new RegExp(`^\\s+- ${event.replace('.', '\\.')}$`, 'm'));
  });
  it('declares /crm, the shortcut, interactivity and App Home on /slack/events', () => {
    expect(manifest).toMatch(/command: \/crm/);
    expect(manifest).toMatch(/callback_id: create_lead_from_message/);
    expect(manifest).toMatch(/home_tab_enabled: true/);
    expect(manifest.match(/https:\/\/YOUR_HOST\/slack\/events/g)).toHaveLength(3);
  });
});
