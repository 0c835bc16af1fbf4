import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../core/channels.js';
import { Channel } from '../../../prisma/generated/enums.js';

describe('the channel list', () => {
  it("is the database's Channel enum, in the preference order", () => {
    expect([...CHANNELS].sort()).toEqual(Object.values(Channel).sort());
  });
});
