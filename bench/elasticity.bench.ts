/**
 * Value of forecast-driven pre-scaling, by simulation over held-out traffic.
 *
 *   npx ts-node --transpile-only bench/elasticity.bench.ts [--series N]
 *
 * Rate profile: M4 hourly series (../shared/data/m4-hourly; the first N of length 960,
 * last 840 hours used) scaled so the 4-week history peaks at PEAK_RPS; the 5th week is held
 * out. Arrivals per minute are Poisson with rate = hourly rate × a per-minute burst factor
 * taken from the Azure LLM inference trace 2023 (Patel et al., "Splitwise", ISCA 2024;
 * ../shared/data/azure-llm-inference-2023: per-minute request counts over its hour,
 * divided by their mean), and each request's size (ContextTokens, GeneratedTokens) is
 * drawn from the same trace (conv for even series, code for odd).
 *
 * Policies over the held-out week, minute by minute:
 * - static: replicas = ⌈history peak / capacity⌉ all week;
 * - reactive: desired = ⌈mean load of the last 3 minutes / (capacity × 0.8)⌉ (KEDA/HPA target 80%),
 *   new replicas serve after the start-up time, scale-down after a 5-minute cooldown (KEDA default 300 s);
 * - forecast + reactive: desired = max(reactive, ScalingSchedule.fromHistory replicas for the hour
 *   starting ⌈startup/60⌉ minutes from now) — the cron pre-scaling windows.
 * Requests beyond the serving capacity queue (fluid queue, carried minute to minute); a minute
 * violates the SLO when the queue would take longer than QUEUE_BUDGET_SECONDS to drain at the
 * serving capacity (a TTFT budget spent waiting), or when nothing is serving while demand is waiting.
 * GPU-hours count every provisioned replica (starting or serving) × GPUS_PER_REPLICA.
 */
import * as fs from 'fs';
import * as path from 'path';
import { HourlySeries, ScalingSchedule } from '../src/planning/forecast';

const repoRoot = path.resolve(__dirname, '..');
const m4Dir = path.resolve(repoRoot, '..', 'shared', 'data', 'm4-hourly');
const azureDir = path.resolve(repoRoot, '..', 'shared', 'data', 'azure-llm-inference-2023');
const PEAK_RPS = 40;
/** Requests/s one replica serves within the SLO (an inference plan's output; assumed here). */
const CAPACITY_RPS = 4;
const GPUS_PER_REPLICA = 1;
const STARTUP_SECONDS = 300;
const TARGET_UTILISATION = 0.8;
const COOLDOWN_MINUTES = 5;
const MAX_REPLICAS = 40;
/** Work of a request in decode-token equivalents: prefill tokens cost ~1/10 of a decode token (assumption; prefill is compute-bound and batched). */
const PREFILL_WEIGHT = 0.1;
/** Queueing delay a request may spend before the TTFT SLO is lost (assumption). */
const QUEUE_BUDGET_SECONDS = 10;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function poisson(lambda: number, rnd: () => number): number {
  if (lambda > 50) {
    const u = Math.max(1e-12, rnd());
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rnd();
  } while (p > l);
  return k - 1;
}

interface Trace { work: number[]; meanWork: number; burst: number[] }

function loadTrace(file: string): Trace {
  const rows = fs.readFileSync(path.join(azureDir, file), 'utf8').split(/\r?\n/).slice(1).filter((l) => l.trim());
  const times: number[] = [];
  const work: number[] = [];
  for (const r of rows) {
    const [ts, ctx, gen] = r.split(',');
    times.push(Date.parse(ts.replace(' ', 'T').slice(0, 23) + 'Z'));
    work.push(Number(ctx) * PREFILL_WEIGHT + Number(gen));
  }
  const t0 = Math.min(...times);
  const minutes = Math.floor((Math.max(...times) - t0) / 60000); // whole minutes observed
  const counts = new Array(minutes).fill(0);
  for (const t of times) {
    const m = Math.floor((t - t0) / 60000);
    if (m < minutes) counts[m]++;
  }
  const mean = counts.reduce((a, b) => a + b, 0) / minutes;
  return { work, meanWork: work.reduce((a, b) => a + b, 0) / work.length, burst: counts.map((c) => c / mean) };
}

function loadM4(): number[][] {
  const lines = fs.readFileSync(path.join(m4Dir, 'Hourly-train.csv'), 'utf8').split(/\r?\n/).slice(1);
  return lines.filter((l) => l.trim()).map((l) => l.split(',').slice(1).map((c) => c.replace(/"/g, '')).filter((c) => c !== '').map(Number))
    .filter((v) => v.length >= 840).map((v) => v.slice(v.length - 840));
}

interface PolicyResult { gpuHours: number; violationMinutes: number }

/** Simulates one policy; `floor(minute)` gives the pre-scaling floor requested at that minute. */
function simulate(demand: number[], initial: number, policy: 'static' | 'reactive', floor?: (minute: number) => number): PolicyResult {
  const startup = Math.ceil(STARTUP_SECONDS / 60);
  let ready: number[] = new Array(initial).fill(0); // readyAt minute per replica
  let lowSince = -1;
  let replicaMinutes = 0;
  let violations = 0;
  let backlog = 0;
  for (let t = 0; t < demand.length; t++) {
    if (policy === 'reactive') {
      // Observed load: mean of the last 3 minutes (a Prometheus rate over a short window).
      const from = Math.max(0, t - 3);
      const observed = t > 0 ? demand.slice(from, t).reduce((a, b) => a + b, 0) / (t - from) : demand[0];
      let desired = Math.max(1, Math.ceil(observed / (CAPACITY_RPS * TARGET_UTILISATION)));
      if (floor) desired = Math.max(desired, floor(t));
      desired = Math.min(MAX_REPLICAS, desired);
      if (desired > ready.length) {
        ready = ready.concat(new Array(desired - ready.length).fill(t + startup));
        lowSince = -1;
      } else if (desired < ready.length) {
        if (lowSince < 0) lowSince = t;
        if (t - lowSince >= COOLDOWN_MINUTES) {
          ready.sort((a, b) => b - a); // drop starting replicas first
          ready = ready.slice(ready.length - desired);
          lowSince = -1;
        }
      } else {
        lowSince = -1;
      }
    }
    const serving = ready.filter((r) => r <= t).length;
    replicaMinutes += ready.length;
    const capacity = serving * CAPACITY_RPS; // requests/s
    backlog = Math.max(0, backlog + (demand[t] - capacity) * 60); // requests waiting at the end of the minute
    if (backlog > 0 && (capacity === 0 || backlog / capacity > QUEUE_BUDGET_SECONDS)) violations++;
  }
  return { gpuHours: (replicaMinutes / 60) * GPUS_PER_REPLICA, violationMinutes: violations };
}

function main(): void {
  for (const dir of [m4Dir, azureDir]) {
    if (!fs.existsSync(dir)) {
      console.error(`elasticity bench: data not found at ${dir} — cannot run`);
      process.exit(2);
    }
  }
  const arg = process.argv.indexOf('--series');
  const count = arg > 0 ? Number(process.argv[arg + 1]) : 12;
  const traces = [loadTrace('AzureLLMInferenceTrace_conv.csv'), loadTrace('AzureLLMInferenceTrace_code.csv')];
  const profiles = loadM4().slice(0, count);
  const totals: Record<string, PolicyResult> = {
    'static peak': { gpuHours: 0, violationMinutes: 0 },
    'reactive only': { gpuHours: 0, violationMinutes: 0 },
    'forecast + reactive': { gpuHours: 0, violationMinutes: 0 },
  };
  const perSeries: any[] = [];
  const t0 = Date.now();
  profiles.forEach((raw, i) => {
    const peak = Math.max(...raw.slice(0, 672));
    const rates = raw.map((v) => (v / peak) * PEAK_RPS);
    const history = HourlySeries.fromValues({ id: `m4-${i}`, start: '2024-01-01T00:00:00Z', values: rates.slice(0, 672) });
    const schedule = ScalingSchedule.fromHistory({
      history, capacityPerReplica: CAPACITY_RPS, minReplicas: 1, maxReplicas: MAX_REPLICAS, startupSeconds: STARTUP_SECONDS,
    });
    const trace = traces[i % 2];
    const rnd = lcg(1000 + i);
    // Demand per minute of the held-out week, in requests/s of mean-sized requests.
    const demand: number[] = [];
    for (let h = 672; h < 840; h++) {
      const offset = Math.floor(rnd() * 60);
      for (let m = 0; m < 60; m++) {
        const n = poisson(rates[h] * 60 * trace.burst[(m + offset) % trace.burst.length], rnd);
        let work = 0;
        for (let k = 0; k < n; k++) work += trace.work[Math.floor(rnd() * trace.work.length)];
        demand.push(work / trace.meanWork / 60);
      }
    }
    const lead = schedule.leadMinutes;
    const floor = (minute: number): number => schedule.replicasByHourOfWeek[Math.floor(((minute + lead) % 10080) / 60)];
    const staticReplicas = Math.ceil(PEAK_RPS / (CAPACITY_RPS * TARGET_UTILISATION));
    const startReplicas = Math.max(1, Math.ceil(rates[671] / (CAPACITY_RPS * TARGET_UTILISATION)));
    const res = {
      'static peak': simulate(demand, staticReplicas, 'static'),
      'reactive only': simulate(demand, startReplicas, 'reactive'),
      'forecast + reactive': simulate(demand, Math.max(startReplicas, floor(0)), 'reactive', floor),
    };
    for (const [k, v] of Object.entries(res)) {
      totals[k].gpuHours += v.gpuHours;
      totals[k].violationMinutes += v.violationMinutes;
    }
    perSeries.push({ series: i, trace: i % 2 ? 'code' : 'conv', cronTriggers: schedule.cronTriggers().length, ...res });
  });
  const seconds = (Date.now() - t0) / 1000;
  const md = [
    '## Elasticity: static vs reactive vs forecast + reactive (simulated held-out week)',
    '',
    `${profiles.length} services × 1 held-out week (10,080 minutes each). Rate profiles: M4 hourly series (4 weeks of history, 5th week held out), peak scaled to ${PEAK_RPS} req/s;`,
    `arrival bursts and request sizes from the Azure LLM inference trace 2023 (conv/code). Capacity ${CAPACITY_RPS} req/s per replica, ${GPUS_PER_REPLICA} GPU per replica,`,
    `start-up ${STARTUP_SECONDS} s, target utilisation ${TARGET_UTILISATION * 100}% (static: ⌈history peak / (capacity × target)⌉), ${COOLDOWN_MINUTES}-min cooldown.`,
    `Violation minute: the queue of requests above serving capacity would take more than ${QUEUE_BUDGET_SECONDS} s to drain.`,
    '',
    '| policy | GPU-hours | SLO-violation minutes | violation share |',
    '|---|---|---|---|',
    ...Object.entries(totals).map(([k, v]) => `| ${k} | ${v.gpuHours.toFixed(0)} | ${v.violationMinutes} | ${((100 * v.violationMinutes) / (profiles.length * 10080)).toFixed(2)}% |`),
    '',
    `Simulation time ${seconds.toFixed(1)} s.`,
    '',
  ].join('\n');
  const outDir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'elasticity.json'), JSON.stringify({
    assumptions: { QUEUE_BUDGET_SECONDS, PEAK_RPS, CAPACITY_RPS, GPUS_PER_REPLICA, STARTUP_SECONDS, TARGET_UTILISATION, COOLDOWN_MINUTES, PREFILL_WEIGHT, MAX_REPLICAS },
    totals, perSeries,
  }, null, 2) + '\n');
  fs.writeFileSync(path.join(outDir, 'elasticity.md'), md);
  console.log(md);
}

main();
