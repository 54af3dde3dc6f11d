/**
 * fast-check arbitraries for the construct robustness properties (issue 8 item 3): random valid
 * and invalid props of the four k8s constructs. Every arbitrary yields plain descriptors, never
 * library objects, so that value-class factories that validate (GpuSharing.timeSlicing,
 * InferenceEngine.vllm) run inside the property, where their errors are checked.
 *
 * Names are drawn mostly from a small pool of hyphenated names so that collisions
 * (`a` + `b-c` vs `a-b` + `c`) and duplicates actually occur in 1,000 cases.
 */
import * as fc from 'fast-check';

/** `fc.option` yielding `undefined` (fast-check 4 defaults to `null`). */
export function opt<T>(arb: fc.Arbitrary<T>, freq = 2): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined, freq });
}

/** A few DNS-1123 labels that combine into one another when joined with '-'. */
export const NAME_POOL = ['a', 'b', 'a-b', 'b-c', 'c', 'team-a', 'research', 'serving', 'x1'];

/** DNS-1123 labels of 1..`max` characters. */
export function validName(max = 63): fc.Arbitrary<string> {
  const generated = fc.tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), maxLength: Math.max(0, max - 2) }),
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
  ).map(([a, mid, z]) => (max === 1 ? a : `${a}${mid}${z}`).slice(0, max));
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NAME_POOL.filter((n) => n.length <= max)) }, { weight: 1, arbitrary: generated });
}

/** Strings that are not DNS-1123 labels of at most `max` characters (never empty: '' is a construct-tree error for ids). */
export function invalidName(max = 63): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('Team_A', 'UPPER', '-lead', 'trail-', 'a.b', 'a b', 'ünï', 'a/b', '0x!'),
    fc.constant('a'.repeat(max + 1)),
    fc.integer({ min: max + 1, max: max + 30 }).map((n) => 'n'.repeat(n)),
  );
}

/**
 * `valid` most of the time, `invalid` once in `1 + weight` draws. Props have 10–20 fields, so a
 * low per-field rate keeps about half the cases fully valid (they synthesize and are validated)
 * while the rest mix one or two invalid fields.
 */
export function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>, weight = 15): fc.Arbitrary<T> {
  return fc.oneof({ weight, arbitrary: valid }, { weight: 1, arbitrary: invalid });
}

/** Mostly valid names, sometimes invalid. */
export function someName(max = 63): fc.Arbitrary<string> {
  return mostly(validName(max), invalidName(max));
}

/** Numbers that break naive checks. */
export const NASTY_NUMBERS = [0, -0, -1, 0.5, 1.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, 1e21, 1e300, Number.MIN_VALUE];

/** Whole numbers in [min, max] most of the time, else a nasty number. */
export function someInt(min: number, max: number): fc.Arbitrary<number> {
  return mostly(fc.integer({ min, max }), fc.constantFrom(...NASTY_NUMBERS));
}

/** Fractions in [min, max] most of the time, else out-of-range or non-finite values. */
export function someFraction(min = 0, max = 1): fc.Arbitrary<number> {
  return mostly(fc.double({ min, max, noNaN: true }), fc.constantFrom(min, max, min - 0.1, max + 0.1, 2 * max + 1, NaN, Infinity, -Infinity, 1e-12, Number.MIN_VALUE));
}

/** GPU sharing as a descriptor (built in the property, where GpuSharing's own errors are checked). */
export type SharingSpec = { mode: 'exclusive' } | { mode: 'time-slicing'; replicas: number } | { mode: 'mig'; profile: string };

export const sharingSpec: fc.Arbitrary<SharingSpec> = fc.oneof(
  fc.constant<SharingSpec>({ mode: 'exclusive' }),
  mostly(fc.integer({ min: 2, max: 64 }), fc.constantFrom(0, 1, 65, 2.5, NaN), 5).map((replicas): SharingSpec => ({ mode: 'time-slicing', replicas })),
  mostly(
    fc.constantFrom('1g.10gb', '2g.20gb', '3g.40gb', '7g.80gb', '1g.20gb'),
    fc.constantFrom('', '8g.10gb', '1g', 'mig-1g.10gb', '1G.10GB'),
    5,
  ).map((profile): SharingSpec => ({ mode: 'mig', profile })),
);

/** A tenant of a pool. */
export const tenantSpec = fc.record({
  name: mostly(validName(), fc.oneof(invalidName(), fc.constant(''))),
  share: someFraction(0, 1),
  borrowingFraction: opt(someFraction()),
  lendingFraction: opt(someFraction()),
  editorGroups: opt(fc.array(fc.constantFrom('ml-engineers', 'sre', 'data'), { maxLength: 2 })),
  viewerGroups: opt(fc.array(fc.constantFrom('auditors', 'sre'), { maxLength: 2 })),
  egressCidrs: opt(fc.array(fc.constantFrom('10.0.0.0/8', '192.168.10.0/24', '2001:db8::/32'), { maxLength: 2 })),
});

/** Shares that add up to exactly 1 (the boundary) split over 1..4 tenants. */
export const exactSplit: fc.Arbitrary<number[]> = fc.constantFrom([1], [0.5, 0.5], [0.1, 0.2, 0.7], [0.6, 0.4], [0.25, 0.25, 0.25, 0.25], [1 / 3, 1 / 3, 1 / 3]);

/** A workload registered directly with `GpuResourcePool.addWorkload` (the public method). */
export const workloadSpec = fc.record({
  name: validName(40),
  /** Index into the pool's tenants (modulo); -1 names a tenant the pool does not have. */
  tenantIndex: mostly(fc.nat(3), fc.constant(-1)),
  podCount: someInt(1, 8),
  gpusPerPod: someInt(1, 8),
  cpuCoresPerPod: mostly(fc.integer({ min: 1, max: 200 }), fc.constantFrom(0, -1, 0.5, NaN)),
  memoryBytesPerPod: mostly(fc.integer({ min: 1, max: 2048 }).map((g) => g * 2 ** 30), fc.constantFrom(0, -1, NaN)),
  gang: fc.boolean(),
  // Never huge: PoolPlanner exhausts the heap on minReplicas 1e21 (known bug, see properties.test.ts).
  minReplicas: mostly(fc.integer({ min: 0, max: 4 }), fc.constantFrom(-1, 0.5, NaN, Infinity)),
  extraReplicas: fc.nat(6),
  spreadAcrossZones: opt(fc.boolean()),
});

/** Images: pinned ones and every flavour of unpinned. */
export const imageSpec = mostly(
  fc.constantFrom('ghcr.io/acme/trainer:1.0.0', 'nvcr.io/nvidia/pytorch:24.08-py3', 'ghcr.io/acme/t@sha256:' + 'a'.repeat(64), 'vllm/vllm-openai:v0.11.0'),
  fc.constantFrom('ghcr.io/acme/trainer:latest', 'ghcr.io/acme/trainer', '', 'trainer:', 'registry.local:5000/acme/trainer'),
);

/** `secret/key` references, valid and malformed. */
export const secretRef = mostly(
  fc.constantFrom('hf-token/token', 'registry/password', 'a/b'),
  fc.constantFrom('hf-token', '/token', 'hf-token/', '', 'Bad_Secret/token'),
);

/** 5-field crons, and things that are not. */
export const cronSpec = mostly(
  fc.constantFrom('0 8 * * *', '45 7 * * 1-5', '0 19 * * 1-5', '*/15 * * * *'),
  fc.constantFrom('at eight', '0 8 * *', '', '0 8 * * * *'),
);
