import { PlanningError } from '../../../src/errors';
import { HourlySeries, ScalingSchedule } from '../../../src/planning/forecast';

/** Linux 5-field cron as KEDA's cron scaler reads it (keda.sh/docs/2.17/scalers/cron): minute hour dom month dow. */
const CRON = /^([0-5]?\d) ([01]?\d|2[0-3]) \* \* [0-6]$/;

/** Hand-made profile: 10 req/s at night, 45 req/s 08:00–18:00 on weekdays; capacity 10 req/s per replica. */
function profile(): number[] {
  return Array.from({ length: 168 }, (_, h) => (Math.floor(h / 24) < 5 && h % 24 >= 8 && h % 24 < 18 ? 45 : 10));
}
const base = { capacityPerReplica: 10, minReplicas: 1, maxReplicas: 10, startupSeconds: 290 };

describe('ScalingSchedule', () => {
  test('replicas per hour are ⌈demand / capacity⌉ within the bounds and windows follow the profile', () => {
    const s = ScalingSchedule.fromDemand({ ...base, demandByHourOfWeek: profile() });
    expect(s.replicasByHourOfWeek[8]).toBe(5);
    expect(s.replicasByHourOfWeek[7]).toBe(1);
    // Mon 00–08 at 1 wraps from Fri 18:00 through the weekend: one window 114 → 8.
    expect(s.windows[0]).toEqual({ startHourOfWeek: 8, endHourOfWeek: 18, replicas: 5 });
    expect(s.windows).toHaveLength(10);
    expect(s.windows[s.windows.length - 1]).toEqual({ startHourOfWeek: 114, endHourOfWeek: 8, replicas: 1 });
  });

  test('cron triggers start ⌈startup/60⌉ minutes early, end on the hour, and skip windows at minReplicas', () => {
    const s = ScalingSchedule.fromDemand({ ...base, demandByHourOfWeek: profile() });
    const triggers = s.cronTriggers();
    expect(s.leadMinutes).toBe(5);
    expect(triggers).toHaveLength(5);
    expect(triggers[0]).toEqual({ timezone: 'Etc/UTC', start: '55 7 * * 1', end: '0 18 * * 1', desiredReplicas: '5' });
    expect(triggers[4]).toEqual({ timezone: 'Etc/UTC', start: '55 7 * * 5', end: '0 18 * * 5', desiredReplicas: '5' });
    for (const t of triggers) {
      expect(t.start).toMatch(CRON);
      expect(t.end).toMatch(CRON);
      expect(t.start).not.toBe(t.end);
    }
  });

  test('a lead that crosses midnight Monday wraps to Sunday', () => {
    expect(ScalingSchedule.cronAtMinuteOfWeek(-30)).toBe('30 23 * * 0');
    expect(ScalingSchedule.cronAtMinuteOfWeek(0)).toBe('0 0 * * 1');
    expect(ScalingSchedule.cronAtMinuteOfWeek(167 * 60 + 59)).toBe('59 23 * * 0');
  });

  test('a window covering the whole week is split in two triggers (KEDA rejects start = end)', () => {
    const s = ScalingSchedule.fromDemand({ ...base, demandByHourOfWeek: new Array(168).fill(35) });
    expect(s.windows).toEqual([{ startHourOfWeek: 0, endHourOfWeek: 168, replicas: 4 }]);
    const t = s.cronTriggers();
    expect(t.map((x) => [x.start, x.end])).toEqual([['55 23 * * 0', '0 12 * * 4'], ['55 11 * * 4', '0 0 * * 1']]);
  });

  test('hours above maxReplicas are counted, not hidden', () => {
    const s = ScalingSchedule.fromDemand({ ...base, maxReplicas: 4, demandByHourOfWeek: profile() });
    expect(s.hoursAboveMax).toBe(50);
    expect(Math.max(...s.replicasByHourOfWeek)).toBe(4);
    expect(s.explain()).toMatch(/hours above maxReplicas = 50/);
  });

  test.each([
    ['capacityPerReplica', { capacityPerReplica: 0 }],
    ['maxReplicas', { minReplicas: 3, maxReplicas: 2 }],
    ['startupSeconds', { startupSeconds: -1 }],
    ['demandByHourOfWeek', { demandByHourOfWeek: [1, 2, 3] }],
  ])('an invalid %s is a PlanningError', (field, override) => {
    const run = (): unknown => ScalingSchedule.fromDemand({ ...base, demandByHourOfWeek: profile(), ...override });
    expect(run).toThrow(PlanningError);
    expect(run).toThrow(new RegExp(`^${field}=`));
  });

  test('from a 4-week history with the same profile, the forecast schedule pre-scales every weekday morning', () => {
    const values: number[] = [];
    for (let w = 0; w < 4; w++) values.push(...profile().map((v, h) => v * (1 + 0.02 * Math.sin(h + w))));
    const history = HourlySeries.fromValues({ id: 'chat', start: '2024-01-01T00:00:00Z', values });
    const s = ScalingSchedule.fromHistory({ ...base, history });
    const starts = s.cronTriggers().filter((t) => Number(t.desiredReplicas) >= 5).map((t) => t.start);
    expect(starts).toEqual(['55 7 * * 1', '55 7 * * 2', '55 7 * * 3', '55 7 * * 4', '55 7 * * 5']);
    expect(s.replicasByHourOfWeek.every((r, h) => r * 10 >= profile()[h])).toBe(true);
  });
});
