/**
 * The independent checker (@monokle/validation, offline) agrees with the pack: it reports a
 * planted violation, including inside JobSet/LWS templates, and finds no error in the
 * compliant fixtures.
 */
import { compliantPlatform, firstContainer, mutatePods } from './fixtures';
import { PolicyChecks } from '../../src/policy';
import { formatMonokle, runMonokle, wrapForMonokle } from '../harness/monokle';

const privileged = firstContainer((c) => { c.securityContext.privileged = true; });

describe('monokle harness', () => {
  test('runs the restricted Pod Security Standards rules and the resource practices', async () => {
    const result = await runMonokle([]);
    for (const id of ['PSS103', 'PSS201', 'PSS202', 'PSS203', 'PSS204', 'PSS205', 'PSS206', 'KBP001', 'KBP002', 'KBP004', 'KBP005', 'KBP116']) {
      expect(result.rulesRun).toContain(id);
    }
  });

  test('catches a planted privileged container', async () => {
    const result = await runMonokle([mutatePods('Deployment', privileged)]);
    expect(result.errors.map((e) => `${e.ruleId} ${e.object} ${e.path}`)).toEqual([
      'PSS103 Deployment team-a/deploy spec.template.spec.containers.0.securityContext.privileged',
    ]);
    // The pack flags the same object.
    expect(PolicyChecks.evaluate([mutatePods('Deployment', privileged)]).errors.map((f) => f.ruleId)).toEqual(['AIDC-PSS-7']);
  });

  test.each(['JobSet', 'LeaderWorkerSet'])('catches a privileged container nested in a %s once its templates are wrapped as Pods', async (kind) => {
    const result = await runMonokle([mutatePods(kind, privileged)]);
    const hits = result.errors.filter((e) => e.ruleId === 'PSS103').map((e) => e.object);
    expect(hits).toEqual(kind === 'JobSet' ? ['Pod team-a/train-driver', 'Pod team-a/train-workers'] : ['Pod team-a/lws-leader', 'Pod team-a/lws-worker']);
  });

  test('catches missing requests, an untagged image and running as root', async () => {
    const bad = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: 'x' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    const ids = new Set((await runMonokle([bad])).errors.map((e) => e.ruleId));
    for (const id of ['KBP002', 'KBP004', 'KBP005', 'KBP116', 'PSS202', 'PSS203', 'PSS205', 'PSS206']) expect(ids).toContain(id);
    expect(PolicyChecks.evaluate([bad]).hasErrors).toBe(true);
  });

  test('finds no error in the compliant platform fixture (every workload kind, JobSet/LWS wrapped)', async () => {
    const objects = compliantPlatform();
    expect(PolicyChecks.evaluate(objects).findings).toEqual([]);
    const result = await runMonokle(objects);
    expect(result.resources).toBe(wrapForMonokle(objects).length);
    expect(formatMonokle(result.errors)).toBe('');
    // Informational practices that the pack does not enforce stay warnings (e.g. KBP102 read-only root fs).
    const warned = [...new Set(result.warnings.map((w) => w.ruleId))].sort();
    console.log(`monokle on the compliant platform: ${result.resources} resources, 0 errors, warnings from ${warned.join(', ') || 'none'}`);
  });
});
