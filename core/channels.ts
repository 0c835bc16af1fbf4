// The channels Leadline speaks on, once. The order is also the preference for reaching a
// team member who is linked on several (Prisma's Channel enum lists the same names; a test
// keeps the two equal).
export const CHANNELS = ['telegram', 'slack', 'email', 'console', 'web'] as const;
export type ChannelName = (typeof CHANNELS)[number];
