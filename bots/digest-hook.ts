// /digest in chat: the speaker's digest now (team digest for heads, "today" otherwise),
// as plain text (each channel's renderer escapes it).
import type { DigestHook } from '../core/chat/turn.js';
import { composeDigest, defaultDigestKind } from '../core/digests/compose-digest.js';
import { renderDigestText } from '../core/digests/render-text.js';

export const digestHook: DigestHook = async (ctx, actor) => {
  const kind = await defaultDigestKind(ctx, actor.userId);
  const digest = await composeDigest(ctx, actor.userId, kind, ctx.clock.now());
  return [{ text: renderDigestText(digest, actor.locale) }];
};
