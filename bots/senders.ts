// The ChannelSender per channel this process can deliver on, from configuration.
import type { Config } from '../connectors/config.js';
import type { ChannelSender } from '../core/ports.js';
import type { ChannelName } from '../core/channels.js';
import { createTelegramApi } from './telegram/telegram-api.js';
import { TelegramSender } from './telegram/telegram-sender.js';
import { slackSenderFromConfig } from './slack/slack-runtime.js';
import { WebFormSender } from './http/web-form-sender.js';

export function buildSenders(config: Config): Partial<Record<ChannelName, ChannelSender>> {
  const senders: Partial<Record<ChannelName, ChannelSender>> = {};
  if (config.TELEGRAM_BOT_TOKEN)
    senders.telegram = new TelegramSender(createTelegramApi({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT }));
  const slack = slackSenderFromConfig(config);
  if (slack) senders.slack = slack;
  senders.web = new WebFormSender();
  return senders;
}
