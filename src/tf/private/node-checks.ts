import { IConstruct } from 'constructs';
import { TfTaint } from '../node-metadata';
import { fail, requireLabelValue, requireOneOf, requireQualifiedKey, sortedMap, TAINT_EFFECTS } from './checks';

/** Validates a label map and returns a key-sorted copy. */
export function checkNodeLabels(scope: IConstruct, prop: string, labels: { [key: string]: string } | undefined): { [key: string]: string } {
  for (const [k, v] of Object.entries(labels ?? {})) {
    requireQualifiedKey(scope, `${prop}['${k}']`, k);
    requireLabelValue(scope, `${prop}['${k}']`, v);
  }
  return sortedMap(labels);
}

/** Validates taints (keys, effects, no duplicate key+effect) and returns normalised copies. */
export function checkTaints(scope: IConstruct, prop: string, taints: TfTaint[] | undefined): Array<{ key: string; value: string; effect: string }> {
  const seen = new Set<string>();
  return (taints ?? []).map((t, i) => {
    requireQualifiedKey(scope, `${prop}[${i}].key`, t.key);
    requireOneOf(scope, `${prop}[${i}].effect`, t.effect, TAINT_EFFECTS);
    const value = t.value ?? '';
    if (value !== '') requireLabelValue(scope, `${prop}[${i}].value`, value);
    const id = `${t.key}:${t.effect}`;
    if (seen.has(id)) fail(scope, `${prop}[${i}]`, `duplicate taint ${id}; a node holds one taint per key and effect`);
    seen.add(id);
    return { key: t.key, value, effect: t.effect };
  });
}
