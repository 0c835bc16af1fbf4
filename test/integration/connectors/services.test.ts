import { describe, it, expect, inject } from 'vitest';
import net from 'node:net';
import { checkPostgres, checkRedis, ServiceUnavailableError } from '../../../connectors/services.js';

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('service checks', () => {
  it('pass against the running Postgres and Redis', async () => {
    await expect(checkPostgres(inject('databaseUrl'))).resolves.toBeUndefined();
    await expect(checkRedis(inject('redisUrl'))).resolves.toBeUndefined();
  });

  it('say which service, where, and how to start it when Postgres is down', async () => {
    const port = await closedPort();
    const error = await checkPostgres(`postgresql://postgres@127.0.0.1:${port}/leadline`).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain(`PostgreSQL at 127.0.0.1:${port}`);
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toMatch(/Start it/);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('say which service, where, and how to start it when Redis is down', async () => {
    const port = await closedPort();
    const error = await checkRedis(`redis://127.0.0.1:${port}`).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain(`Redis at 127.0.0.1:${port}`);
    expect(error.message).toContain('REDIS_URL');
    expect(error.message.split('\n')).toHaveLength(1);
  });
});
