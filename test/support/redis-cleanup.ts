// Setup file (vitest.config.ts): after each test file, the keys under the prefixes it took
// with testPrefix() are deleted. Registered before the file's own hooks, so it runs after them
// (hooks run in stack order): the file has closed its workers, queues and leases by then.
import { afterAll, inject } from 'vitest';
import { deleteKeys, filePrefixes } from './redis-keys.js';

afterAll(async () => {
  const prefixes = filePrefixes();
  if (prefixes.length > 0)
    await deleteKeys(
      inject('redisUrl'),
      prefixes.map((p) => `${p}:*`),
    );
});
