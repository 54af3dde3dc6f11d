/**
 * Helpers for the robustness property tests (issue 8 item 3): a recursive scan of synthesized
 * output for values that must never appear (NaN, Infinity, undefined, null, functions, and
 * strings such as "NaNGi" or "name-undefined" that betray them), and a fast-check wrapper that
 * reports how many cases ran.
 */
import * as fc from 'fast-check';

/** Options of `findBadValues`. */
export interface BadValueOptions {
  /** Paths (dotted, e.g. `[3].metadata.creationTimestamp`) where `null` is allowed. */
  readonly allowNullAt?: RegExp[];
  /** Also flag strings containing NaN / Infinity / undefined / [object Object] as whole words. @default true */
  readonly checkStrings?: boolean;
}

/** NaN / Infinity (alone or with a quantity suffix such as `NaNGi`, `Infinitym`), undefined, [object Object]. */
const BAD_STRING = /(^|[^A-Za-z])(NaN|Infinity)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?(?![A-Za-z])|(^|[^A-Za-z])undefined(?![A-Za-z])|\[object Object\]/;

/** Every bad value in `value` as `path: what` lines (empty when clean). */
export function findBadValues(value: unknown, options: BadValueOptions = {}): string[] {
  const out: string[] = [];
  const checkStrings = options.checkStrings ?? true;
  const seen = new Set<unknown>();
  const walk = (v: unknown, p: string): void => {
    const where = p === '' ? '<root>' : p;
    if (v === undefined) { out.push(`${where}: undefined`); return; }
    if (v === null) {
      if (!(options.allowNullAt ?? []).some((re) => re.test(p))) out.push(`${where}: null`);
      return;
    }
    switch (typeof v) {
      case 'number':
        if (Number.isNaN(v)) out.push(`${where}: NaN`);
        else if (!Number.isFinite(v)) out.push(`${where}: ${v}`);
        return;
      case 'string':
        if (checkStrings && BAD_STRING.test(v)) out.push(`${where}: string ${JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}...` : v)}`);
        return;
      case 'boolean':
        return;
      case 'object':
        break;
      default:
        out.push(`${where}: ${typeof v}`);
        return;
    }
    if (seen.has(v)) { out.push(`${where}: circular reference`); return; }
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) out.push(`${p}[${i}]: hole`);
        else walk(v[i], `${p}[${i}]`);
      }
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) out.push(`${where}: instance of ${proto?.constructor?.name ?? 'unknown class'} (not plain JSON)`);
      for (const [k, child] of Object.entries(v as object)) {
        walk(child, p === '' ? k : `${p}.${k}`);
        if (checkStrings && BAD_STRING.test(k)) out.push(`${p === '' ? k : `${p}.${k}`}: key contains a bad word`);
      }
    }
    seen.delete(v);
  };
  walk(value, '');
  return out;
}

/** Throws (listing every path) when `objects` contain NaN, Infinity, undefined, null or non-JSON values. */
export function assertNoBadValues(objects: unknown, options: BadValueOptions = {}): void {
  const bad = findBadValues(objects, options);
  if (bad.length > 0) throw new Error(`bad values in output:\n  ${bad.slice(0, 50).join('\n  ')}${bad.length > 50 ? `\n  ... and ${bad.length - 50} more` : ''}`);
}

/**
 * Runs a fast-check property for `numRuns` cases (default 1000), logs
 * `property <name>: N cases` and throws fast-check's report (with the seed and the shrunk
 * counterexample) on failure. Returns the number of cases run.
 */
export function runProperty<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => boolean | void, numRuns = 1000, seed?: number): number {
  const details = fc.check(fc.property(arbitrary, predicate), { numRuns, ...(seed === undefined ? {} : { seed }) });
  // eslint-disable-next-line no-console
  console.log(`property ${name}: ${details.numRuns} cases${details.failed ? ' (FAILED)' : ''}`);
  if (details.failed) throw new Error(`property ${name} failed:\n${fc.defaultReportMessage(details)}`);
  return details.numRuns;
}
