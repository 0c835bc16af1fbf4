// Validates Kubernetes manifests offline, as strictly as kubeconform -strict:
//  1. the OpenAPI schema of each kind (kubernetes-models and its CRD packages: ajv validators
//     compiled from the Kubernetes OpenAPI spec and the CRDs' schemas): types, required
//     fields, enums, formats such as quantities;
//  2. unknown fields (a misspelt `readinesProbe` is ignored by ajv there, and silently dropped by
//     the API server): every manifest becomes a typed object literal against the same package's
//     interface and the TypeScript compiler reports the excess properties.
import path from 'node:path';
import ts from 'typescript';
import type { Manifest } from './helm.js';
import { repoRoot } from './helm.js';

/** API groups served by packages other than kubernetes-models */
const CRD_PACKAGES: Record<string, string> = {
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'keda.sh': '@kubernetes-models/keda',
};

function modelModule(m: Manifest): string {
  const [group, version] = m.apiVersion.includes('/') ? m.apiVersion.split('/') : ['', m.apiVersion];
  if (!group) return `kubernetes-models/${version}/${m.kind}`;
  return `${CRD_PACKAGES[group!] ?? 'kubernetes-models'}/${group}/${version}/${m.kind}`;
}

function describe(m: Manifest, i: number): string {
  return `${m.kind ?? '?'} ${m.metadata?.name ?? `#${i}`}`;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

async function schemaProblems(manifests: Manifest[]): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, m] of manifests.entries()) {
    if (!m.apiVersion || !m.kind) {
      problems.push(`${describe(m, i)}: apiVersion and kind are required`);
      continue;
    }
    let Model: ModelClass | undefined;
    try {
      Model = ((await import(modelModule(m))) as Record<string, ModelClass>)[m.kind];
    } catch {
      Model = undefined;
    }
    if (!Model) {
      problems.push(`${describe(m, i)}: no schema for ${m.apiVersion} ${m.kind}`);
      continue;
    }
    try {
      new Model(m).validate();
    } catch (e) {
      const errors = (e as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
      if (errors?.length) for (const err of errors) problems.push(`${describe(m, i)}: ${err.instancePath || '/'} ${err.message}`);
      else problems.push(`${describe(m, i)}: ${(e as Error).message}`);
    }
  }
  return problems;
}

function unknownFieldProblems(manifests: Manifest[]): string[] {
  const file = path.join(repoRoot, 'test', '__rendered_manifests__.ts');
  // one import line per manifest, then one typed literal per manifest; `starts` holds the first line of each literal
  const lines: string[] = manifests.map((m, i) => `import type { I${m.kind} as T${i} } from '${modelModule(m)}';`);
  const starts: number[] = [];
  manifests.forEach((m, i) => {
    starts.push(lines.length);
    lines.push(...`export const m${i}: T${i} = ${JSON.stringify(m, null, 2)};`.split('\n'));
  });
  const source = lines.join('\n') + '\n';
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (path.resolve(name) === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest));
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const sf = program.getSourceFile(file)!;
  return ts.getPreEmitDiagnostics(program, sf).map((d) => {
    const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line;
    let index = starts.findIndex((s, k) => line >= s && (k === starts.length - 1 || line < starts[k + 1]!));
    if (index < 0) index = line; // an import line: one per manifest, in order
    const m = manifests[index];
    const where = m ? describe(m, index) : 'manifests';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')} (at: ${lines[line]?.trim()})`;
  });
}

/** Every problem found in the manifests; empty when they are valid. */
export async function validateManifests(manifests: Manifest[]): Promise<string[]> {
  const problems = await schemaProblems(manifests);
  // the strict pass needs a model for every kind; the first pass already reported the others
  const known = manifests.filter((m) => !problems.some((p) => p.includes(`no schema for ${m.apiVersion} ${m.kind}`)));
  return [...problems, ...unknownFieldProblems(known)];
}
