// Reading the process's Prometheus metrics in tests. Test files share their worker's modules
// (vitest.config.ts: isolate false), so the registry holds what earlier files in the same
// worker counted too: a test compares a sample before and after its own work.

/** One sample's value in a Prometheus text body: `name{labels} value` (0 when it is absent). */
export function sample(body: string, name: string, labels = ''): number {
  const line = body.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** How much each sample grew between two bodies. */
export function grown(before: string, after: string) {
  return (name: string, labels = '') => sample(after, name, labels) - sample(before, name, labels);
}
