/**
 * docs/runbooks.md against the alerts MonitoringStack emits: every alert's `runbook_url` fragment is
 * the GitHub anchor of exactly one `##` heading, every heading is an alert, and each section carries
 * the alert's severity, `for` and the fixed parts of a runbook.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { prometheusRules } from './fixture';
import { CRITICAL_XIDS, HW_THROTTLE_BITS } from '../../../src/k8s/monitoring/gpu-rules';
import { MonitoringStack } from '../../../src/k8s/monitoring-stack';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const RUNBOOKS = path.join(REPO_ROOT, 'docs', 'runbooks.md');
/** Default of MonitoringStackProps.runbookBaseUrl (src/k8s/monitoring-stack.ts). */
const DEFAULT_BASE_URL = 'https://github.com/ai-datacenter-constructs/ai-datacenter-constructs/blob/main/docs/runbooks.md';
/** Parts every runbook section has, in this order. */
const PARTS = ['**Meaning.**', '**Impact.**', '**Likely causes.**', '**Check.**', '**Fix.**', '**Escalate.**'];

/**
 * GitHub's heading anchor (github-slugger, as github.com renders Markdown): lower case, drop every
 * character that is not a letter, digit, mark, space, '-' or '_', then spaces become '-'.
 */
function githubSlug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
}

interface Heading { readonly level: number; readonly text: string; readonly line: number }

/** ATX headings outside fenced code blocks (shell comments in ``` blocks are not headings). */
function headings(markdown: string): Heading[] {
  const out: Heading[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((line, i) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === undefined) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    const h = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (h) out.push({ level: h[1].length, text: h[2], line: i });
  });
  return out;
}

/** Every option that adds alerts: two pools, two inference services, jobs with and without a progress metric. */
function everyAlert(): { stack: MonitoringStack; alerts: any[] } {
  const chart = new Chart(Testing.app(), 'runbooks');
  const stack = new MonitoringStack(chart, 'monitoring');
  stack.addGpuPool({ name: 'h100', clusterQueueNames: ['team-a', 'team-b'] });
  stack.addGpuPool({ name: 'a100', clusterQueueNames: ['batch'], gpuResourceName: 'nvidia.com/gpu' });
  for (const [name, namespace] of [['chat', 'team-a'], ['embed', 'team-b']]) {
    stack.addInferenceService({ name, namespace, selectorLabels: { app: name }, ttftSloSeconds: 1 });
  }
  stack.addTrainingJob({ name: 'pretrain', namespace: 'team-a', progressMetric: 'trainer_step_total' });
  stack.addTrainingJob({ name: 'ft', namespace: 'team-b' });
  const alerts = prometheusRules(Testing.synth(chart))
    .flatMap((o) => o.spec.groups.flatMap((g: any) => g.rules))
    .filter((r: any) => r.alert);
  return { stack, alerts };
}

const markdown = fs.readFileSync(RUNBOOKS, 'utf8');
const all = headings(markdown);
const sections = all.filter((h) => h.level === 2);
const lines = markdown.split('\n');
const { stack, alerts } = everyAlert();
const urls = [...new Set(alerts.map((a) => a.annotations.runbook_url as string))].sort();
const alertNames = [...new Set(alerts.map((a) => a.alert as string))].sort();

/** Text of the `##` section whose anchor is `anchor`, up to the next heading of level ≤ 2. */
function sectionText(anchor: string): string {
  const h = sections.find((s) => githubSlug(s.text) === anchor);
  if (!h) throw new Error(`docs/runbooks.md has no section #${anchor}`);
  const next = all.find((o) => o.line > h.line && o.level <= 2);
  return lines.slice(h.line + 1, next ? next.line : lines.length).join('\n');
}

describe('docs/runbooks.md', () => {
  test('the slug function reproduces GitHub anchors', () => {
    expect(githubSlug('GpuXidErrors')).toBe('gpuxiderrors');
    expect(githubSlug('What to do: GPU (XID) errors?')).toBe('what-to-do-gpu-xid-errors');
    expect(githubSlug('a_b-c')).toBe('a_b-c');
  });

  test('the fixture emits every alert family, so the check covers the whole stack', () => {
    expect(alertNames).toEqual(stack.alertNames);
    expect(alertNames.length).toBe(23);
    expect(alertNames).toEqual(expect.arrayContaining(['TrainingJobStalled', 'KueuePendingBelowQuota', 'InferenceTtftBudgetBurnSlow']));
  });

  test('every runbook URL points at docs/runbooks.md under the default base URL', () => {
    expect(DEFAULT_BASE_URL.endsWith(`/blob/main/${path.relative(REPO_ROOT, RUNBOOKS).split(path.sep).join('/')}`)).toBe(true);
    for (const url of urls) expect(url.split('#')[0]).toBe(DEFAULT_BASE_URL);
  });

  test.each(urls.map((u) => [u.split('#')[1]]))('a section heading has the exact anchor #%s', (anchor) => {
    expect(sections.map((h) => githubSlug(h.text))).toContain(anchor);
  });

  test('every section heading is an alert name, written as the alert is named', () => {
    expect(all.filter((h) => h.level === 1)).toHaveLength(1);
    expect(all.filter((h) => h.level > 2)).toEqual([]);
    expect(sections.map((h) => h.text).sort()).toEqual(alertNames);
  });

  test('no two headings share an anchor (GitHub would suffix the second with -1)', () => {
    const slugs = all.map((h) => githubSlug(h.text));
    expect(slugs.filter((s, i) => slugs.indexOf(s) !== i)).toEqual([]);
  });

  test('every in-document link points at an existing section', () => {
    const anchors = new Set(all.map((h) => githubSlug(h.text)));
    const links = [...markdown.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(alertNames.length);
    expect(links.filter((l) => !anchors.has(l))).toEqual([]);
  });

  test.each(alertNames.map((a) => [a]))('the %s section states its severity and `for`, and has every runbook part in order', (name) => {
    const rule = alerts.find((a) => a.alert === name);
    const text = sectionText(name.toLowerCase());
    expect(text).toContain(`**Severity** ${rule.labels.severity}`);
    expect(text).toContain(rule.for ? `\`for: ${rule.for}\`` : 'no `for`');
    const positions = PARTS.map((p) => text.indexOf(p));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('the critical XID runbook explains every XID the rule pages on', () => {
    const text = sectionText('gpucriticalxiderror');
    for (const xid of CRITICAL_XIDS) expect([xid, new RegExp(`\\b${xid}\\b`).test(text)]).toEqual([xid, true]);
  });

  test('the throttling runbook names every hardware throttle bit the rule checks', () => {
    const text = sectionText('gpuhardwarethrottling');
    for (const bit of HW_THROTTLE_BITS) expect(text).toContain(`\`0x${bit.toString(16)}\``);
  });
});
