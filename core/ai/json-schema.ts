// JSON schema for structured outputs, derived from a zod schema (zod 4's toJSONSchema).
// Length and count limits are enforced by zod after the answer arrives; they are removed
// from the wire schema because strict structured outputs on several OpenAI-compatible
// servers reject those keywords.
import { z } from 'zod';

const UNSUPPORTED = new Set([
  '$schema',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'pattern',
  'format',
  'maximum',
  'minimum',
  'exclusiveMinimum',
  'exclusiveMaximum',
]);

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (UNSUPPORTED.has(k)) continue;
    // strict mode knows anyOf, not oneOf; and enum is more widely supported than const
    if (k === 'oneOf') {
      out.anyOf = strip(v);
      continue;
    }
    if (k === 'const') {
      out.enum = [v];
      continue;
    }
    // property names are data, not keywords: keep every property
    out[k] = k === 'properties' && v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strip(s)])) : strip(v);
  }
  return out;
}

export function wireSchema(schema: z.ZodType): Record<string, unknown> {
  return strip(z.toJSONSchema(schema, { target: 'draft-7', io: 'output' })) as Record<string, unknown>;
}
