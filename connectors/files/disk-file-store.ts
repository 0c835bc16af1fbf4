// The embedded FileStore: a directory on disk (FILE_STORAGE_DIR), created when missing. A key's
// slashes are folders. A file is written to a temporary name and renamed, so a reader never
// sees half a file and a crash leaves no partial file under the key.
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FileStore } from '../../core/files/file-store.js';

export class DiskFileStore implements FileStore {
  readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  /** The path of a key, refusing anything that would leave the root (`..`, absolute paths). */
  private path(key: string): string {
    if (!key || key.includes('\0') || key.split('/').some((p) => p === '..' || p === '.' || p === '')) throw new Error(`bad file key: ${key}`);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`bad file key: ${key}`);
    return path;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomUUID()}.part`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) await rm(this.path(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<number> {
    if (!prefix.endsWith('/')) throw new Error(`a prefix ends in "/": ${prefix}`);
    const dir = this.path(prefix.slice(0, -1));
    const count = await countFiles(dir);
    await rm(dir, { recursive: true, force: true });
    return count;
  }
}

async function countFiles(dir: string): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    let n = 0;
    for (const e of entries) n += e.isDirectory() ? await countFiles(join(dir, e.name)) : 1;
    return n;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
}
