// Files passed between customers and the team (core/files). ru/files.ts mirrors every key.
export const files = {
  'files.not_downloaded':
    '⚠️ Not attached: {file}. A bot may download at most {limit} from {channel}: ask the customer to send it another way (a link or an email).',
  'files.gone': '⚠️ Not attached: {file}. {channel} no longer gives it to the bot (deleted or not shared): ask the customer to send it again.',
  'files.too_large_here': '⚠️ Not attached: {file}. {channel} takes files up to {limit}.',
  'files.get_link': 'Download it: {link}',
  'files.get_cli': 'Get it with: leadline file get {key}',
  'files.own_not_downloaded': '⚠️ Not sent: your {file}. A bot may download at most {limit} from {channel}: send a link instead.',
  'files.own_gone': '⚠️ Not sent: your {file}. {channel} did not give it to the bot: send it again.',
  'files.not_sent': '⚠️ Not sent: your {file}. {channel} takes files up to {limit}: send a link instead.',
  'files.member_no_thread': 'To send a file to a customer, send it as a reply to their message (in Slack: in its thread).',
  'files.no_storage': 'Not sent: file storage is not set up here (FILE_STORAGE), so files cannot be passed on.',
  'files.nothing_sent': 'Nothing was sent.',
  'files.cli.saved': 'Saved {bytes} bytes to {path}',
  'files.cli.missing': 'No file is stored under {key} (erased, or never stored).',
  'files.cli.bad_key': '"{key}" is not a file key (they look like w1/telegram/…/…-0-photo.jpg).',
} as const;
