// Loads Prisma's WebAssembly schema engine and drives it through @prisma/adapter-pg, so
// migrations run offline (the Prisma CLI would download a native engine). Three known
// gaps of the adapter when used by the schema engine are closed here:
//  - catalog columns of Postgres type "char" (OID 18) are not mapped: read them as text;
//  - executeScript splits on ';' and breaks $$ bodies: send a script as one query;
//  - the shadow database connection reuses the main database name: create and connect
//    to the shadow database ourselves.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { withDatabase, quoteIdent } from './database-url.js';

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

function charColumnsAsText(res: pg.QueryResult | undefined): void {
  for (const field of res?.fields ?? []) {
    if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  }
}

/** A pg Client that reports "char" columns as text, which the adapter understands. */
class CharAsTextClient extends pg.Client {
  // pg's query has many overloads: the pool calls it with a callback, clients with a promise.
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (err: unknown, res: pg.QueryResult) => {
        if (!err) charColumnsAsText(res);
        return (callback as (e: unknown, r: unknown) => unknown)(err, res);
      };
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      return (result as Promise<pg.QueryResult>).then((res) => {
        charColumnsAsText(res);
        return res;
      }) as never;
    }
    return result as never;
  }
}

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;

/** Sends a whole script as a single simple-protocol query (keeps $$ bodies intact). */
function wholeScript(adapter: Adapter): Adapter {
  const client = adapter.underlyingDriver() as pg.Pool;
  adapter.executeScript = async (script: string) => {
    try {
      await client.query(script);
    } catch (error) {
      // let the adapter translate the driver error into the engine's error shape
      (adapter as unknown as { onError(e: unknown): never }).onError(error);
    }
  };
  return adapter;
}

class MigrationAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';
  private readonly inner: PrismaPg;
  /** the main connection pool: the engine never disposes it, and its idle clients would keep the process alive */
  readonly pool: pg.Pool;

  constructor(private readonly url: string) {
    this.pool = new pg.Pool({ connectionString: url, Client: CharAsTextClient, max: 2 });
    this.inner = new PrismaPg(this.pool, { disposeExternalPool: true });
  }

  async connect() {
    return wholeScript(await this.inner.connect());
  }

  async connectToShadowDb() {
    const name = `leadline_shadow_${randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Client({ connectionString: this.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    await admin.end();
    const shadow = new PrismaPg(new pg.Pool({ connectionString: withDatabase(this.url, name), Client: CharAsTextClient, max: 2 }), {
      disposeExternalPool: true,
    });
    const adapter = wholeScript(await shadow.connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const cleanup = new pg.Client({ connectionString: this.url });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      await cleanup.end();
    };
    return adapter;
  }
}

interface WasmApi {
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

type WasmModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
let loaded: Promise<WasmModule> | undefined;

/** Instantiates the engine's .wasm by hand: Node 20 cannot import .wasm modules. */
async function loadWasm(): Promise<WasmModule> {
  const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as WasmModule & {
    __wbg_set_wasm(exports: unknown): void;
  };
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const bytes = await readFile(path.join(dir, 'schema_engine_bg.wasm'));
  // @types/node does not declare the WebAssembly global; it is there at run time
  const webAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  // the engine's own timers (10 s timeouts it arms around queries) must not keep the process
  // alive once the work is done: they are unref'd, the open connections keep it alive meanwhile
  const imports = Object.fromEntries(
    Object.entries(bindings).map(([name, fn]) => [
      name,
      name.startsWith('__wbg_setTimeout_') && typeof fn === 'function'
        ? (...args: unknown[]) => {
            const timer = (fn as (...a: unknown[]) => unknown)(...args) as { unref?: () => void } | undefined;
            timer?.unref?.();
            return timer;
          }
        : fn,
    ]),
  );
  const { instance } = await webAssembly.instantiate(bytes, { './schema_engine_bg.js': imports });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bindings;
}

export interface EngineHandle {
  engine: SchemaEngine;
  close(): Promise<void>;
}

export async function openSchemaEngine(url: string, schema?: { path: string; content: string }): Promise<EngineHandle> {
  loaded ??= loadWasm();
  const wasm = await loaded;
  const adapters = new MigrationAdapterFactory(url);
  const factory = bindMigrationAwareSqlAdapterFactory(adapters as never);
  const logs: string[] = [];
  const engine = await wasm.SchemaEngine.new(
    { datamodels: schema ? [[schema.path, schema.content]] : undefined },
    (log: string) => {
      if (process.env.LEADLINE_DEBUG_MIGRATE) logs.push(log);
    },
    factory,
  );
  return {
    engine,
    async close() {
      if (logs.length) process.stderr.write(logs.join('\n') + '\n');
      engine.free();
      // close the connections now: `leadline migrate` exits right after its last line
      const pool = adapters.pool as pg.Pool & { ended?: boolean; ending?: boolean };
      if (!pool.ended && !pool.ending) await pool.end();
    },
  };
}
