// The Helm chart (deploy/helm/leadline), rendered by the real Helm and checked offline: helm lint
// --strict, the Kubernetes OpenAPI schemas with unknown fields rejected, the references between
// the rendered objects, and what each role's pods get.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema, loadConfig, runsRole, ROLES } from '../../connectors/config.js';
import { chartDir, lintChart, parseManifests, renderChart, type Manifest, type RenderOptions } from '../support/helm.js';
import { validateManifests } from '../support/k8s-schema.js';
import { referenceProblems } from '../support/k8s-references.js';

const NAMESPACE = 'crm';
const PRODUCTION = path.join(chartDir, 'ci', 'production-values.yaml');
/** the two settings the chart cannot run without */
const CONNECTIONS = ['secrets.DATABASE_URL=postgresql://leadline:pw@postgres:5432/leadline', 'secrets.REDIS_URL=redis://redis:6379'];
/** objects the production values expect to exist already */
const PRODUCTION_EXTERNAL = ['Secret/leadline-secrets', 'Secret/leadline-db-app'];

type Obj = Record<string, unknown>;
interface Container {
  name: string;
  args: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  ports?: Array<{ name: string; containerPort: number }>;
  startupProbe?: Obj;
  livenessProbe?: { httpGet?: { path: string; port: string } };
  readinessProbe?: { httpGet?: { path: string; port: string } };
  securityContext?: Obj;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  resources?: { requests?: Obj; limits?: Obj };
}

async function render(opts: RenderOptions = {}): Promise<Manifest[]> {
  const result = await renderChart({ namespace: NAMESPACE, ...opts });
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseManifests(result.stdout);
}

async function expectValid(manifests: Manifest[], external: string[] = []) {
  expect(await validateManifests(manifests)).toEqual([]);
  expect(referenceProblems(manifests, external)).toEqual([]);
}

const ofKind = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind);
const deployment = (ms: Manifest[], role: string) => ofKind(ms, 'Deployment').find((d) => d.metadata.labels?.['app.kubernetes.io/component'] === role);
const podSpec = (m: Manifest) => ((m.spec as Obj).template as { spec: Obj }).spec;
const container = (m: Manifest) => (podSpec(m).containers as Container[])[0]!;
const envValue = (c: Container, n: string) => c.env?.find((e) => e.name === n)?.value;
const rolesOf = (ms: Manifest[]) =>
  Object.fromEntries(ofKind(ms, 'Deployment').map((d) => [d.metadata.labels!['app.kubernetes.io/component'], envValue(container(d), 'LEADLINE_ROLES')]));

/** The environment a container would see, with secretKeyRefs resolved from `refs` (the app's own config check is run on it). */
function containerEnvironment(ms: Manifest[], c: Container, refs: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef)
      Object.assign(env, (ofKind(ms, 'ConfigMap').find((m) => m.metadata.name === from.configMapRef!.name)?.data as Record<string, string>) ?? {});
    if (from.secretRef) {
      const data = (ofKind(ms, 'Secret').find((m) => m.metadata.name === from.secretRef!.name)?.data as Record<string, string> | undefined) ?? {};
      for (const [k, v] of Object.entries(data)) env[k] = Buffer.from(v, 'base64').toString('utf8');
    }
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) env[e.name] = refs[`${ref.name}/${ref.key}`] ?? `unresolved ${ref.name}/${ref.key}`;
  }
  return env;
}

// rendering runs a binary and the strict schema pass compiles TypeScript: slower than a unit test on a loaded machine
const SLOW = { timeout: 120_000 };

describe('the manifest checks themselves', SLOW, () => {
  it('reject unknown fields, wrong types, malformed quantities, unknown kinds and dangling references', async () => {
    const bad = (containerPatch: Obj): Manifest =>
      ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'bad' },
        spec: {
          selector: { matchLabels: { app: 'x' } },
          template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i', ...containerPatch }] } },
        },
      }) as Manifest;
    const problems = async (m: Manifest) => validateManifests([m]);
    expect(await problems(bad({}))).toEqual([]);
    expect((await problems(bad({ readinesProbe: { httpGet: { path: '/ready', port: 80 } } }))).join('\n')).toMatch(/readinesProbe/);
    expect((await problems(bad({ ports: [{ containerPort: '80' }] }))).join('\n')).toMatch(/containerPort must be integer/);
    expect((await problems(bad({ resources: { limits: { memory: 'lots' } } }))).join('\n')).toMatch(/memory/);
    expect(await problems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'Widget w: no schema for example.com/v1 Widget',
    ]);
    expect(
      referenceProblems([bad({ livenessProbe: { httpGet: { path: '/health', port: 'http' } }, envFrom: [{ configMapRef: { name: 'nowhere' } }] })]),
    ).toEqual([
      'Deployment bad: livenessProbe uses port http, which the container does not have',
      'Deployment bad: refers to ConfigMap nowhere, which does not exist',
    ]);
  });
});

describe('Helm chart with default values', SLOW, () => {
  it('refuses to render without a database, and rejects values the chart does not know', async () => {
    const none = await renderChart({ namespace: NAMESPACE });
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/DATABASE_URL has no source/);
    const noRedis = await renderChart({ namespace: NAMESPACE, set: [CONNECTIONS[0]!] });
    expect(noRedis.stderr).toMatch(/REDIS_URL has no source/);
    const typo = await renderChart({ namespace: NAMESPACE, set: [...CONNECTIONS, 'config.LOG_LEVLE=debug'] });
    expect(typo.status).not.toBe(0);
    expect(typo.stderr).toMatch(/LOG_LEVLE/);
  });

  it('passes helm lint --strict, the Kubernetes schemas and the reference checks', async () => {
    const lint = await lintChart({ namespace: NAMESPACE, set: CONNECTIONS });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    await expectValid(await render({ set: CONNECTIONS }));
  });

  it('runs each role in a Deployment of its own, non-root on a read-only root filesystem, with honest probes', async () => {
    const ms = await render({ set: CONNECTIONS });
    expect(rolesOf(ms)).toEqual({ web: 'web', worker: 'worker', watcher: 'watcher', telegram: 'telegram' });
    for (const d of ofKind(ms, 'Deployment')) {
      const c = container(d);
      expect(c.args).toEqual(['node', 'bin/leadline.js', 'start']);
      expect((d.spec as Obj).replicas).toBe(1);
      expect(podSpec(d).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      expect(c.resources?.requests).toHaveProperty('memory');
    }
    const web = container(deployment(ms, 'web')!);
    expect(web.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(web.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(web.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(envValue(web, 'HTTP_PORT')).toBe('3000');
    for (const role of ['worker', 'watcher', 'telegram']) {
      const c = container(deployment(ms, role)!);
      expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
      expect(envValue(c, 'METRICS_PORT')).toBe('9464');
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'metrics' });
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'metrics' });
    }
    // one pod per role: no autoscaler, no budget that would block node drains, nothing public
    for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'ServiceMonitor', 'ScaledObject']) expect(ofKind(ms, kind)).toEqual([]);
  });

  it('gives every pod settings that pass the application own configuration check', async () => {
    const ms = await render({ set: CONNECTIONS });
    for (const d of ofKind(ms, 'Deployment')) {
      const config = loadConfig(containerEnvironment(ms, container(d)));
      const role = d.metadata.labels!['app.kubernetes.io/component'] as (typeof ROLES)[number];
      expect(ROLES.filter((r) => runsRole(config, r))).toEqual([role]);
      expect(config.DATABASE_URL).toBe('postgresql://leadline:pw@postgres:5432/leadline');
      expect(config.NODE_ENV).toBe('production');
    }
  });

  it('migrates in a pre-install/pre-upgrade hook Job that reads hook copies of the settings', async () => {
    const ms = await render({ set: CONNECTIONS });
    const job = ofKind(ms, 'Job')[0]!;
    expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '0' });
    const c = (podSpec(job).containers as Container[])[0]!;
    expect(c.args).toEqual(['node', 'bin/leadline.js', 'migrate']);
    expect(podSpec(job).serviceAccountName).toBe('default');
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'leadline-migrate' } }, { secretRef: { name: 'leadline-migrate' } }]);
    const env = containerEnvironment(ms, c);
    expect(loadConfig(env).DATABASE_URL).toBe('postgresql://leadline:pw@postgres:5432/leadline');
    expect(env.LEADLINE_ROLES).toBeUndefined();
  });

  it('mounts the files volume in every role (a shared claim when given, else an emptyDir) and points FILE_STORAGE_DIR at it', async () => {
    const volume = (m: Manifest) => (podSpec(m).volumes as Array<{ name: string } & Obj>).find((v) => v.name === 'files');
    const ms = await render({ set: CONNECTIONS });
    await expectValid(ms);
    for (const d of ofKind(ms, 'Deployment')) {
      expect(container(d).volumeMounts).toContainEqual({ name: 'files', mountPath: '/data/files' });
      expect(volume(d)).toEqual({ name: 'files', emptyDir: { sizeLimit: '1Gi' } });
      expect(containerEnvironment(ms, container(d)).FILE_STORAGE_DIR).toBe('/data/files');
    }
    const shared = await render({ set: [...CONNECTIONS, 'files.existingClaim=leadline-files'] });
    await expectValid(shared, ['PersistentVolumeClaim/leadline-files']);
    for (const d of ofKind(shared, 'Deployment')) expect(volume(d)).toEqual({ name: 'files', persistentVolumeClaim: { claimName: 'leadline-files' } });
    // a directory of one's own choosing wins over the chart's
    const own = await render({ set: [...CONNECTIONS, 'config.FILE_STORAGE_DIR=/srv/files', 'files.mountPath=/srv/files'] });
    expect(containerEnvironment(own, container(deployment(own, 'worker')!)).FILE_STORAGE_DIR).toBe('/srv/files');
  });

  it('reaches every setting of connectors/config.ts through values', async () => {
    const chartManaged = ['LEADLINE_ROLES', 'HTTP_PORT', 'METRICS_PORT'];
    const keys = Object.keys(configSchema.shape).filter((k) => !chartManaged.includes(k));
    // each setting given a recognisable value in `config` or `secrets`, whichever the chart offers
    const secretKeys = [
      'DATABASE_URL',
      'REDIS_URL',
      'TELEGRAM_BOT_TOKEN',
      'TELEGRAM_WEBHOOK_SECRET',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_APP_TOKEN',
      'OPENAI_API_KEY',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
      'FILE_LINK_SECRET',
      'MAILING_LINK_SECRET',
      'MINIAPP_LINK_SECRET',
    ];
    const set = keys.map((k) => `${secretKeys.includes(k) ? 'secrets' : 'config'}.${k}=value-of-${k}`);
    const ms = await render({ set });
    const web = container(deployment(ms, 'web')!);
    const env = containerEnvironment(ms, web);
    expect(keys.filter((k) => env[k] !== `value-of-${k}`)).toEqual([]);
    // and the chart-managed ones are set per role
    expect(env.LEADLINE_ROLES).toBe('web,telegram'); // TELEGRAM_WEBHOOK_URL is set: webhook mode
    expect(env.HTTP_PORT).toBe('3000');
    expect(containerEnvironment(ms, container(deployment(ms, 'worker')!)).METRICS_PORT).toBe('9464');
  });

  it('leaves the probes out of the roles without HTTP when metrics are off (nothing in the process to ask)', async () => {
    const ms = await render({ set: CONNECTIONS, setJson: ['metrics.enabled=false'] });
    await expectValid(ms);
    for (const role of ['worker', 'watcher', 'telegram']) {
      const c = container(deployment(ms, role)!);
      expect([c.ports, c.startupProbe, c.livenessProbe, c.readinessProbe, envValue(c, 'METRICS_PORT')]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    }
    expect(container(deployment(ms, 'web')!).readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(ofKind(ms, 'Service').map((s) => s.metadata.name)).toEqual(['leadline']);
  });
});

describe('Helm chart with the production values (ci/production-values.yaml)', SLOW, () => {
  it('passes helm lint --strict, the Kubernetes schemas and the reference checks', async () => {
    const lint = await lintChart({ namespace: NAMESPACE, valuesFiles: [PRODUCTION] });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    await expectValid(await render({ valuesFiles: [PRODUCTION] }), PRODUCTION_EXTERNAL);
  });

  it('autoscales web on CPU and the worker on CPU and queue depth, with budgets for every role of several pods', async () => {
    const ms = await render({ valuesFiles: [PRODUCTION] });
    // webhook mode: the web pods take the telegram role, no polling Deployment
    expect(rolesOf(ms)).toEqual({ web: 'web,telegram', worker: 'worker', watcher: 'watcher' });
    expect((deployment(ms, 'web')!.spec as Obj).replicas).toBeUndefined();
    expect((deployment(ms, 'worker')!.spec as Obj).replicas).toBeUndefined();
    expect((deployment(ms, 'watcher')!.spec as Obj).replicas).toBe(2);
    const hpas = Object.fromEntries(
      ofKind(ms, 'HorizontalPodAutoscaler').map((h) => [h.metadata.name, h.spec as { minReplicas: number; maxReplicas: number; metrics: Obj[] }]),
    );
    expect(Object.keys(hpas).sort()).toEqual(['leadline-web', 'leadline-worker']);
    expect(hpas['leadline-web']!.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(hpas['leadline-worker']!.metrics[1]).toEqual({
      type: 'External',
      external: {
        metric: {
          name: 'leadline_queue_waiting',
          selector: { matchExpressions: [{ key: 'queue', operator: 'In', values: ['inbound', 'outbound', 'reminders', 'sla', 'digests', 'ai'] }] },
        },
        target: { type: 'AverageValue', averageValue: '200' },
      },
    });
    expect(
      ofKind(ms, 'PodDisruptionBudget')
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['leadline-watcher', 'leadline-web', 'leadline-worker']);
  });

  it('takes the secrets from existing Secrets, makes none, and exposes only the webhook paths', async () => {
    const ms = await render({ valuesFiles: [PRODUCTION] });
    expect(ofKind(ms, 'Secret')).toEqual([]);
    const refs = { 'leadline-db-app/uri': 'postgresql://app:pw@leadline-db-rw:5432/app' };
    for (const c of [...ofKind(ms, 'Deployment').map(container), (podSpec(ofKind(ms, 'Job')[0]!).containers as Container[])[0]!]) {
      expect(c.envFrom).toContainEqual({ secretRef: { name: 'leadline-secrets' } });
      expect(c.env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'leadline-db-app', key: 'uri' } } });
      const config = loadConfig({ ...containerEnvironment(ms, c, refs), REDIS_URL: 'redis://redis:6379', TELEGRAM_WEBHOOK_SECRET: 's3cret' });
      expect(config.DATABASE_STATEMENT_CACHE).toBe(false);
      expect(config.DEFAULT_TIMEZONE).toBe('Europe/Moscow');
    }
    const ingress = ofKind(ms, 'Ingress')[0]!.spec as { tls: unknown[]; rules: Array<{ host: string; http: { paths: Array<{ path: string }> } }> };
    expect(ingress.tls).toEqual([{ secretName: 'leadline-tls', hosts: ['leadline.example.com'] }]);
    expect(ingress.rules.flatMap((r) => r.http.paths.map((p) => p.path))).toEqual(['/telegram/webhook', '/slack/events']);
    const monitor = ofKind(ms, 'ServiceMonitor')[0]!;
    expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect((monitor.spec as { endpoints: Array<{ port: string; path: string }> }).endpoints.map((e) => `${e.port}${e.path}`)).toEqual([
      'http/metrics',
      'metrics/metrics',
    ]);
  });

  it('hands worker autoscaling to a KEDA ScaledObject when asked, without a second autoscaler', async () => {
    const ms = await render({ valuesFiles: [PRODUCTION], set: ['worker.autoscaling.queueDepth.provider=keda'] });
    await expectValid(ms, PRODUCTION_EXTERNAL);
    expect(ofKind(ms, 'HorizontalPodAutoscaler').map((h) => h.metadata.name)).toEqual(['leadline-web']);
    const scaled = ofKind(ms, 'ScaledObject')[0]!.spec as {
      minReplicaCount: number;
      maxReplicaCount: number;
      triggers: Array<{ type: string; metadata: Record<string, string> }>;
    };
    expect([scaled.minReplicaCount, scaled.maxReplicaCount]).toEqual([2, 12]);
    expect(scaled.triggers[0]).toMatchObject({
      type: 'prometheus',
      metadata: {
        query: 'sum(max by (queue) (leadline_queue_depth{namespace="crm",queue=~"inbound|outbound|reminders|sla|digests|ai",state="waiting"}))',
        threshold: '200',
      },
    });
    expect(scaled.triggers[1]).toEqual({ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } });
  });

  it('runs Telegram long polling in its own single Deployment when no webhook URL is set', async () => {
    const ms = await render({ valuesFiles: [PRODUCTION], set: ['config.TELEGRAM_WEBHOOK_URL='] });
    await expectValid(ms, PRODUCTION_EXTERNAL);
    expect(rolesOf(ms)).toEqual({ web: 'web', worker: 'worker', watcher: 'watcher', telegram: 'telegram' });
    expect((deployment(ms, 'telegram')!.spec as Obj).replicas).toBe(1);
    expect(ofKind(ms, 'PodDisruptionBudget').map((p) => p.metadata.name)).not.toContain('leadline-telegram');
  });
});
