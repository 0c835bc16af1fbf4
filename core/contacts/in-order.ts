// Runs queries one after another. Inside an interactive transaction all queries share one
// connection, so Promise.all would pipeline them onto a busy client; this keeps them serial.
export async function inOrder<T extends readonly (() => PromiseLike<unknown> | unknown)[]>(
  fns: readonly [...T],
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const out: unknown[] = [];
  for (const fn of fns) out.push(await fn());
  return out as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}
