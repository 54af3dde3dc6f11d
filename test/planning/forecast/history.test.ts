import { PlanningError } from '../../../src/errors';
import { HourlySeries } from '../../../src/planning/forecast';

const iso = (h: number): string => new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString();
const csv = (rows: Array<[number, string]>): string => ['timestamp,value', ...rows.map(([h, v]) => `${iso(h)},${v}`)].join('\n');

describe('HourlySeries.parseCsv', () => {
  test('a one-series file gets the id "default" and keeps its values in order', () => {
    const [s] = HourlySeries.parseCsv(csv([[0, '1'], [1, '2'], [2, '3']]));
    expect(s.id).toBe('default');
    expect(s.values).toEqual([1, 2, 3]);
    expect(s.start).toBe('2024-01-01T00:00:00.000Z');
  });

  test('a series,timestamp,value file yields one series per id in first-seen order', () => {
    const text = 'series,timestamp,value\nb,2024-01-01T00:00:00Z,5\na,2024-01-01T00:00:00Z,1\nb,2024-01-01T01:00:00Z,6';
    const series = HourlySeries.parseCsv(text);
    expect(series.map((s) => s.id)).toEqual(['b', 'a']);
    expect(series[0].values).toEqual([5, 6]);
  });

  test('timestamps without a zone are UTC, epoch seconds are accepted, and rows within one hour are averaged', () => {
    const text = 'timestamp,value\n2024-01-01 00:10,2\n2024-01-01T00:50:00,4\n1704070800,9';
    const [s] = HourlySeries.parseCsv(text);
    expect(s.values).toEqual([3, 9]);
  });

  test('a 3-hour gap is filled by linear interpolation', () => {
    const [s] = HourlySeries.parseCsv(csv([[0, '10'], [4, '50'], [5, '50'], [6, '50'], [7, '50']]));
    expect(s.values.slice(0, 5)).toEqual([10, 20, 30, 40, 50]);
    expect(s.filledHours).toBe(3);
  });

  test('a 12-hour gap after the first day is filled seasonally from the day before and contains no NaN', () => {
    const rows: Array<[number, string]> = [];
    for (let h = 0; h < 72; h++) if (h < 30 || h >= 42) rows.push([h, String(100 + 50 * Math.sin((2 * Math.PI * h) / 24))]);
    const [s] = HourlySeries.parseCsv(csv(rows));
    expect(s.filledHours).toBe(12);
    for (let h = 30; h < 42; h++) expect(s.values[h]).toBeCloseTo(100 + 50 * Math.sin((2 * Math.PI * h) / 24), 6);
    expect(s.values.every(Number.isFinite)).toBe(true);
  });

  test('a gap longer than a day is filled with finite values', () => {
    const rows: Array<[number, string]> = [];
    for (let h = 0; h < 120; h++) if (h < 40 || h >= 80) rows.push([h, String(10 + (h % 24))]);
    const [s] = HourlySeries.parseCsv(csv(rows));
    expect(s.values.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });

  test('empty and NaN cells are missing hours', () => {
    const [s] = HourlySeries.parseCsv(csv([[0, '1'], [1, ''], [2, 'NaN'], [3, '4']]));
    expect(s.values).toEqual([1, 2, 3, 4]);
  });

  test.each([
    ['a bad header', 'time,val\n2024-01-01T00:00:00Z,1', 'history.header'],
    ['a negative value', csv([[0, '1'], [1, '-2']]), 'history.line[3].value'],
    ['a non-numeric value', csv([[0, 'abc']]), 'history.line[2].value'],
    ['an infinite value', csv([[0, 'Infinity']]), 'history.line[2].value'],
    ['an unreadable timestamp', 'timestamp,value\nyesterday,1', 'history.line[2].timestamp'],
    ['a header only', 'timestamp,value', 'history'],
    ['mostly missing hours', csv([[0, '1'], [10, '1']]), 'history.default'],
  ])('%s is a PlanningError naming the field', (_name, text, field) => {
    expect(() => HourlySeries.parseCsv(text)).toThrow(PlanningError);
    try {
      HourlySeries.parseCsv(text);
    } catch (e) {
      expect((e as PlanningError).field).toBe(field);
    }
  });
});

describe('HourlySeries.fromValues', () => {
  test('hour of week counts from Monday 00:00 UTC', () => {
    const s = HourlySeries.fromValues({ id: 'x', start: '2024-01-07T23:00:00Z', values: [1] }); // a Sunday
    expect(s.hourOfWeekAt(0)).toBe(167);
    expect(s.hourOfWeekAt(1)).toBe(0);
  });

  test('a start that is not on the hour is rejected', () => {
    expect(() => HourlySeries.fromValues({ id: 'x', start: '2024-01-01T00:30:00Z', values: [1] })).toThrow(/whole hour/);
  });
});
