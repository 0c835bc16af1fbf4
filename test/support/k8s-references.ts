// Checks what a schema cannot: that the objects of one render refer to each other correctly
// (selectors match pods, named ports exist, referenced ConfigMaps/Secrets/ServiceAccounts exist
// when the pod starts, autoscalers and budgets target real Deployments) and that names and
// label values are valid.
import type { Manifest } from './helm.js';

type Obj = Record<string, unknown>;

interface PodSource {
  owner: Manifest;
  labels: Record<string, string>;
  spec: Obj;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function isHook(m: Manifest): boolean {
  return Boolean(m.metadata.annotations?.['helm.sh/hook']);
}

function hookWeight(m: Manifest): number {
  return Number(m.metadata.annotations?.['helm.sh/hook-weight'] ?? 0);
}

function deletedAfterHook(m: Manifest): boolean {
  return (m.metadata.annotations?.['helm.sh/hook-delete-policy'] ?? '').includes('hook-succeeded');
}

function podSources(manifests: Manifest[]): PodSource[] {
  const out: PodSource[] = [];
  for (const m of manifests) {
    const spec = m.spec as Obj | undefined;
    if (m.kind === 'Pod' && spec) out.push({ owner: m, labels: m.metadata.labels ?? {}, spec });
    const template = (m.kind === 'Job' || m.kind === 'Deployment' ? spec?.template : undefined) as
      { metadata?: { labels?: Record<string, string> }; spec: Obj } | undefined;
    if (template) out.push({ owner: m, labels: template.metadata?.labels ?? {}, spec: template.spec });
  }
  return out;
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function containerPorts(spec: Obj): Set<string | number> {
  const ports = new Set<string | number>();
  for (const c of (spec.containers as Obj[] | undefined) ?? []) {
    for (const p of (c.ports as Obj[] | undefined) ?? []) {
      if (p.name) ports.add(p.name as string);
      ports.add(p.containerPort as number);
    }
  }
  return ports;
}

function name(m: Manifest): string {
  return `${m.kind} ${m.metadata.name}`;
}

/** Problems with the references between the manifests. `external` names objects that exist outside the chart (kind/name). */
export function referenceProblems(manifests: Manifest[], external: string[] = []): string[] {
  const problems: string[] = [];
  const find = (kind: string, n: string) => manifests.find((m) => m.kind === kind && m.metadata.name === n);
  const pods = podSources(manifests);

  for (const m of manifests) {
    if (!DNS_SUBDOMAIN.test(m.metadata.name) || m.metadata.name.length > 253) problems.push(`${name(m)}: invalid name`);
    if (m.kind === 'Service' && (!DNS_LABEL.test(m.metadata.name) || m.metadata.name.length > 63))
      problems.push(`${name(m)}: a Service name must be a DNS label`);
    for (const [k, v] of Object.entries(m.metadata.labels ?? {})) {
      if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) problems.push(`${name(m)}: invalid value for label ${k}`);
    }
  }
  const seen = new Set<string>();
  for (const m of manifests) {
    const key = `${m.kind}/${m.metadata.name}`;
    if (seen.has(key)) problems.push(`${name(m)}: defined twice`);
    seen.add(key);
  }

  // pods: named probe ports, and the objects they read exist when they start (and stay)
  for (const pod of pods) {
    const where = name(pod.owner);
    const ports = containerPorts(pod.spec);
    const hook = isHook(pod.owner);
    const needs = (kind: string, n: string) => {
      const target = find(kind, n);
      if (!target) {
        if (!external.includes(`${kind}/${n}`)) problems.push(`${where}: refers to ${kind} ${n}, which does not exist`);
        return;
      }
      if (hook && !isHook(target)) problems.push(`${where}: a hook refers to ${kind} ${n}, which does not exist yet when hooks run on install`);
      if (hook && isHook(target) && hookWeight(target) >= hookWeight(pod.owner)) problems.push(`${where}: ${kind} ${n} must be a hook of a lower weight`);
      if (!hook && isHook(target)) problems.push(`${where}: refers to ${kind} ${n}, a hook object that is not kept for the release`);
      if (!hook && deletedAfterHook(target)) problems.push(`${where}: refers to ${kind} ${n}, which is deleted after its hook`);
    };
    const sa = pod.spec.serviceAccountName as string | undefined;
    if (sa && sa !== 'default') needs('ServiceAccount', sa);
    for (const c of [...((pod.spec.initContainers as Obj[] | undefined) ?? []), ...((pod.spec.containers as Obj[] | undefined) ?? [])]) {
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const port = ((c[probe] as Obj | undefined)?.httpGet as Obj | undefined)?.port;
        if (port !== undefined && !ports.has(port as string | number))
          problems.push(`${where}: ${probe} uses port ${String(port)}, which the container does not have`);
      }
      for (const from of (c.envFrom as Obj[] | undefined) ?? []) {
        const cm = from.configMapRef as Obj | undefined;
        const sec = from.secretRef as Obj | undefined;
        if (cm && !cm.optional) needs('ConfigMap', cm.name as string);
        if (sec && !sec.optional) needs('Secret', sec.name as string);
      }
      for (const env of (c.env as Obj[] | undefined) ?? []) {
        const ref = (env.valueFrom as Obj | undefined)?.secretKeyRef as Obj | undefined;
        if (ref && !ref.optional) needs('Secret', ref.name as string);
      }
      const mounts = new Set(((pod.spec.volumes as Obj[] | undefined) ?? []).map((v) => v.name));
      for (const vm of (c.volumeMounts as Obj[] | undefined) ?? [])
        if (!mounts.has(vm.name)) problems.push(`${where}: mounts volume ${String(vm.name)}, which the pod does not have`);
    }
  }

  // Deployments select their own pods; selectors of different Deployments do not overlap
  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  for (const d of deployments) {
    const spec = d.spec as { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } };
    if (!matches(spec.selector.matchLabels, spec.template.metadata.labels)) problems.push(`${name(d)}: its selector does not match its pod labels`);
    for (const other of deployments) {
      if (other !== d && matches(spec.selector.matchLabels, (other.spec as typeof spec).template.metadata.labels))
        problems.push(`${name(d)}: its selector also matches the pods of ${name(other)}`);
    }
  }
  const deploymentPods = pods.filter((p) => p.owner.kind === 'Deployment');

  for (const svc of manifests.filter((m) => m.kind === 'Service')) {
    const spec = svc.spec as { selector?: Record<string, string>; ports: Array<{ name?: string; targetPort?: string | number; port: number }> };
    const selected = deploymentPods.filter((p) => matches(spec.selector, p.labels));
    if (!selected.length) problems.push(`${name(svc)}: selects no pods`);
    for (const port of spec.ports) {
      const target = port.targetPort ?? port.port;
      if (selected.length && !selected.some((p) => containerPorts(p.spec).has(target)))
        problems.push(`${name(svc)}: no selected pod has port ${String(target)}`);
    }
  }

  for (const ing of manifests.filter((m) => m.kind === 'Ingress')) {
    const rules =
      ((ing.spec as Obj).rules as Array<{ http: { paths: Array<{ backend: { service: { name: string; port: { name?: string; number?: number } } } }> } }>) ??
      [];
    for (const rule of rules) {
      for (const p of rule.http.paths) {
        const svc = find('Service', p.backend.service.name);
        if (!svc) problems.push(`${name(ing)}: backend Service ${p.backend.service.name} does not exist`);
        const ports = ((svc?.spec as Obj | undefined)?.ports as Array<{ name?: string; port: number }> | undefined) ?? [];
        const want = p.backend.service.port;
        if (svc && !ports.some((sp) => (want.name ? sp.name === want.name : sp.port === want.number)))
          problems.push(`${name(ing)}: backend port is not on Service ${svc.metadata.name}`);
      }
    }
  }

  const scaled = new Map<string, string>();
  for (const m of manifests.filter((x) => x.kind === 'HorizontalPodAutoscaler' || x.kind === 'ScaledObject')) {
    const ref = (m.spec as { scaleTargetRef: { kind?: string; name: string } }).scaleTargetRef;
    const target = find(ref.kind ?? 'Deployment', ref.name);
    if (!target) problems.push(`${name(m)}: scales ${ref.name}, which does not exist`);
    else if ((target.spec as Obj).replicas !== undefined) problems.push(`${name(m)}: ${name(target)} sets spec.replicas, which each upgrade would reset`);
    if (scaled.has(ref.name)) problems.push(`${name(m)}: ${ref.name} is already scaled by ${scaled.get(ref.name)}`);
    scaled.set(ref.name, name(m));
  }

  for (const pdb of manifests.filter((m) => m.kind === 'PodDisruptionBudget')) {
    const selector = ((pdb.spec as Obj).selector as { matchLabels?: Record<string, string> }).matchLabels;
    if (!deploymentPods.some((p) => matches(selector, p.labels))) problems.push(`${name(pdb)}: selects no pods`);
  }

  for (const sm of manifests.filter((m) => m.kind === 'ServiceMonitor')) {
    const spec = sm.spec as { selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port?: string }> };
    const services = manifests.filter((m) => m.kind === 'Service' && matches(spec.selector.matchLabels, m.metadata.labels ?? {}));
    if (!services.length) problems.push(`${name(sm)}: selects no Service`);
    for (const ep of spec.endpoints) {
      if (!services.some((s) => ((s.spec as Obj).ports as Array<{ name?: string }>).some((p) => p.name === ep.port)))
        problems.push(`${name(sm)}: no selected Service has port ${ep.port}`);
    }
  }
  return problems;
}
