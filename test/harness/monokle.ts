/**
 * Independent checker: @monokle/validation (ESM) run offline with the `pod-security-standards`
 * plugin (restricted rules PSS201-206 turned on, every PSS rule an error) and the `practices`
 * plugin, over synthesized objects. See ../shared/VALIDATION.md: its OPA and kubernetes-schema
 * plugins need the network and silently return nothing, so they are not used.
 *
 * Monokle inspects only Pod/Deployment/StatefulSet/DaemonSet/Job/CronJob, so JobSet and
 * LeaderWorkerSet pod templates are wrapped as Pods first. jest runs CommonJS, so the ESM
 * library runs in a child Node process (monokle-runner.mjs) over a temporary YAML file.
 */
import { execFile } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { stringify } from 'yaml';

/** One monokle result. */
export interface MonokleIssue {
  /** Monokle rule id, e.g. `PSS203`, `KBP005`. */
  readonly ruleId: string;
  /** `Kind namespace/name` of the (possibly wrapped) object. */
  readonly object: string;
  /** Dotted path of the offending field. */
  readonly path: string;
  readonly message: string;
}

/** What monokle reported. */
export interface MonokleResult {
  readonly errors: MonokleIssue[];
  readonly warnings: MonokleIssue[];
  /** Monokle rule ids that were enabled for the run (proves the restricted rules ran). */
  readonly rulesRun: string[];
  /** Number of resources monokle was given (after wrapping). */
  readonly resources: number;
}

const RUNNER = path.join(__dirname, 'monokle-runner.mjs');

function podFrom(owner: any, suffix: string, template: any): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${owner?.metadata?.name ?? 'unnamed'}-${suffix}`,
      ...(owner?.metadata?.namespace ? { namespace: owner.metadata.namespace } : {}),
      labels: { ...(template?.metadata?.labels ?? {}) },
      annotations: { ...(template?.metadata?.annotations ?? {}), 'aidc.io/wrapped-from': `${owner.kind}/${owner?.metadata?.name}` },
    },
    spec: template?.spec ?? {},
  };
}

/**
 * The objects monokle can inspect: every object, plus one Pod per JobSet replicated job and per
 * LeaderWorkerSet leader/worker template (named `<owner>-<replicatedJob>` / `<owner>-leader|worker`).
 */
export function wrapForMonokle(objects: any[]): any[] {
  const out: any[] = [];
  for (const o of objects) {
    out.push(o);
    const group = String(o?.apiVersion ?? '').split('/')[0];
    if (o?.kind === 'JobSet' && group === 'jobset.x-k8s.io') {
      for (const rj of o.spec?.replicatedJobs ?? []) out.push(podFrom(o, rj?.name ?? 'job', rj?.template?.spec?.template));
    }
    if (o?.kind === 'LeaderWorkerSet' && group === 'leaderworkerset.x-k8s.io') {
      const lwt = o.spec?.leaderWorkerTemplate ?? {};
      if (lwt.leaderTemplate) out.push(podFrom(o, 'leader', lwt.leaderTemplate));
      out.push(podFrom(o, 'worker', lwt.workerTemplate));
    }
  }
  return out;
}

/** Runs monokle over `objects` (JobSet/LWS templates wrapped as Pods) and returns its findings. */
export async function runMonokle(objects: any[]): Promise<MonokleResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aidc-monokle-'));
  const file = path.join(dir, 'objects.yaml');
  try {
    writeFileSync(file, wrapForMonokle(objects).map((o) => stringify(o)).join('---\n'));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [RUNNER, file], { maxBuffer: 64 * 1024 * 1024, cwd: path.resolve(__dirname, '..', '..') }, (err, out, errOut) => {
        if (err) reject(new Error(`monokle runner failed: ${err.message}\n${errOut}`));
        else resolve(out);
      });
    });
    return JSON.parse(stdout) as MonokleResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per issue, for readable jest failures. */
export function formatMonokle(issues: MonokleIssue[]): string {
  return issues.map((i) => `${i.ruleId} ${i.object} ${i.path}: ${i.message}`).join('\n');
}
