// Who a Slack user is (users.info) and where to DM them (conversations.open), cached for a
// few minutes so a busy channel costs one lookup per person. Whether an account is a team
// member's is the engine's to say (core/chat/speaker.ts), never the edge's.
import type { WebClient } from './slack-sender.js';
import type { SlackFile } from './slack-message.js';

export interface SlackProfile {
  displayName?: string;
  username?: string;
  /** "en-US" style, when Slack tells (include_locale) */
  languageCode?: string;
  isBot: boolean;
}

interface Cached<T> {
  value: T;
  until: number;
}

export class SlackDirectory {
  private readonly profiles = new Map<string, Cached<SlackProfile | null>>();
  private readonly dms = new Map<string, string>();

  constructor(
    private readonly client: WebClient,
    private readonly ttlMs = 10 * 60_000,
    private readonly onError?: (e: unknown) => void,
  ) {}

  /** The user's public profile; null when Slack does not know them (or we may not see them). */
  async profile(userId: string): Promise<SlackProfile | null> {
    const hit = this.profiles.get(userId);
    if (hit && hit.until > Date.now()) return hit.value;
    let value: SlackProfile | null = null;
    try {
      const res = await this.client.users.info({ user: userId, include_locale: true });
      const u = res.user;
      if (u) {
        value = {
          displayName: u.profile?.real_name || u.real_name || u.profile?.display_name || u.name || undefined,
          username: u.name || undefined,
          languageCode: u.locale || undefined,
          isBot: Boolean(u.is_bot),
        };
      }
    } catch (e) {
      const code = (e as { data?: { error?: string } }).data?.error;
      // a name is nice to have, not worth missing Slack's 3-second deadline: carry on without it
      // (unknown / foreign users are remembered as such; other failures are asked again next time)
      if (code !== 'user_not_found' && code !== 'user_not_visible') {
        this.onError?.(e);
        return null;
      }
    }
    this.profiles.set(userId, { value, until: Date.now() + this.ttlMs });
    return value;
  }

  /**
   * files.info for a file Slack lists only as `check_file_info` (a Slack Connect partner's
   * file): its name, type and size. Null (the file arrives without them) when Slack refuses;
   * the failure is reported, never thrown: the message itself must not be lost for it.
   */
  async fileInfo(fileId: string): Promise<SlackFile | null> {
    try {
      const res = await this.client.files.info({ file: fileId });
      return (res.file as SlackFile | undefined) ?? null;
    } catch (e) {
      this.onError?.(e);
      return null;
    }
  }

  /** The app's DM channel (D…) with the user, opened if needed. */
  async dmChannel(userId: string): Promise<string> {
    const hit = this.dms.get(userId);
    if (hit) return hit;
    const res = await this.client.conversations.open({ users: userId });
    const id = res.channel?.id;
    if (!id) throw new Error(`Slack conversations.open for ${userId} returned no channel`);
    this.dms.set(userId, id);
    return id;
  }
}
