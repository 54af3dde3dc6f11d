import { PlanningError } from '../../errors';

const HOUR_MS = 3_600_000;
/** Gaps up to this many hours are interpolated linearly; longer ones seasonally (see {@link HourlySeries.parseCsv}). */
const LINEAR_GAP_HOURS = 6;
/** A history with more than this fraction of hours missing is rejected. */
const MAX_MISSING_FRACTION = 0.5;
/** Cells read as a missing hour. */
const MISSING_CELLS = new Set(['', 'nan', 'na', 'null', 'none']);

/** Properties of an hourly series built from values that are already hourly and gap-free. */
export interface HourlySeriesProps {
  /** Series id (a service name); `default` for a one-series file. */
  readonly id: string;
  /** ISO 8601 timestamp (UTC) of the first value; must fall on a whole hour. */
  readonly start: string;
  /** One value per hour, oldest first; finite and non-negative (requests/s, tokens/s, GPUs busy...). */
  readonly values: number[];
}

/**
 * An hourly, gap-free, non-negative demand history (e.g. requests per second
 * averaged over each hour). Build it from CSV text with {@link HourlySeries.parseCsv}
 * or from values with {@link HourlySeries.fromValues}.
 */
export class HourlySeries {
  /**
   * Parses history CSV text (the caller reads the file). The header is
   * `timestamp,value` (one series, id `default`) or `series,timestamp,value`.
   *
   * - Timestamps: ISO 8601; without a zone they are read as UTC; a bare number is Unix
   *   epoch seconds. Rows are bucketed by the hour they fall in (floor), and rows in the
   *   same hour are averaged, so minute-level samples of a rate become hourly means.
   * - Missing hours (no row, or an empty / `NaN` / `NA` / `null` value): gaps of up to
   *   6 hours are filled by linear interpolation between the neighbouring hours; longer
   *   gaps by seasonal interpolation: the value 24 hours earlier plus a deviation that moves
   *   linearly from the left end's deviation (v[left] − v[left−24]) to the right end's (v[right]
   *   minus the same hour of day on the last day before the gap); floored at zero; linear when
   *   the gap starts in the first day. More than 50% missing is an error.
   * - Negative, infinite or non-numeric values are errors (demand is non-negative).
   */
  public static parseCsv(text: string): HourlySeries[] {
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    if (lines.length === 0) {
      throw new PlanningError('history', '(empty)', 'the CSV has no header; first line must be `timestamp,value` or `series,timestamp,value`');
    }
    const header = splitCells(lines[0]).map((c) => c.toLowerCase());
    const withSeries = header.length === 3 && header[0] === 'series' && header[1] === 'timestamp' && header[2] === 'value';
    if (!withSeries && !(header.length === 2 && header[0] === 'timestamp' && header[1] === 'value')) {
      throw new PlanningError('history.header', lines[0], 'first line must be `timestamp,value` or `series,timestamp,value`');
    }
    const rows = new Map<string, Map<number, { sum: number; count: number; missing: boolean }>>();
    for (let li = 1; li < lines.length; li++) {
      const cells = splitCells(lines[li]);
      const expected = withSeries ? 3 : 2;
      if (cells.length !== expected) {
        throw new PlanningError(`history.line[${li + 1}]`, lines[li], `expected ${expected} comma-separated cells (${header.join(',')})`);
      }
      const id = withSeries ? cells[0] : 'default';
      if (id === '') throw new PlanningError(`history.line[${li + 1}].series`, '(empty)', 'give every row a series id');
      const hour = Math.floor(parseTimestamp(cells[withSeries ? 1 : 0], li + 1) / HOUR_MS);
      const raw = cells[withSeries ? 2 : 1];
      const missing = MISSING_CELLS.has(raw.toLowerCase());
      const value = missing ? 0 : Number(raw);
      if (!missing) checkValue(`history.line[${li + 1}].value`, raw, value);
      let byHour = rows.get(id);
      if (!byHour) rows.set(id, byHour = new Map());
      const bucket = byHour.get(hour) ?? { sum: 0, count: 0, missing: true };
      if (!missing) {
        bucket.sum += value; bucket.count++; bucket.missing = false;
      }
      byHour.set(hour, bucket);
    }
    if (rows.size === 0) {
      throw new PlanningError('history', '(no rows)', 'the CSV has a header but no data rows; give at least 24 hourly values');
    }
    return [...rows.entries()].map(([id, byHour]) => {
      const present = [...byHour.entries()].filter(([, b]) => !b.missing).map(([h]) => h).sort((a, b) => a - b);
      if (present.length === 0) throw new PlanningError(`history.${id}`, '(all missing)', 'the series has no numeric values');
      const first = present[0];
      const last = present[present.length - 1];
      const length = last - first + 1;
      const values = new Array<number>(length).fill(NaN);
      for (const h of present) {
        const b = byHour.get(h)!;
        values[h - first] = b.sum / b.count;
      }
      const filled = fillGaps(id, values);
      return new HourlySeries(id, first * HOUR_MS, values, filled);
    });
  }

  /** A series from gap-free hourly values (checked: finite, non-negative, at least one). */
  public static fromValues(props: HourlySeriesProps): HourlySeries {
    const startMs = parseTimestamp(props.start, 0);
    if (startMs % HOUR_MS !== 0) {
      throw new PlanningError('history.start', props.start, 'must be on a whole hour (minutes and seconds zero, UTC)');
    }
    if (!Array.isArray(props.values) || props.values.length === 0) {
      throw new PlanningError('history.values', '[]', 'give at least 24 hourly values');
    }
    props.values.forEach((v, i) => checkValue(`history.values[${i}]`, String(v), v));
    return new HourlySeries(props.id, startMs, [...props.values], 0);
  }

  /** Series id. */
  public readonly id: string;
  /** First hour, ISO 8601 UTC. */
  public readonly start: string;
  /** First hour as Unix epoch milliseconds. */
  public readonly startEpochMillis: number;
  /** Hourly values, gaps filled. */
  public readonly values: number[];
  /** How many hours were missing and filled (see {@link HourlySeries.parseCsv}). */
  public readonly filledHours: number;

  private constructor(id: string, startMs: number, values: number[], filledHours: number) {
    this.id = id;
    this.startEpochMillis = startMs;
    this.start = new Date(startMs).toISOString();
    this.values = values;
    this.filledHours = filledHours;
  }

  /** Number of hours. */
  public get length(): number {
    return this.values.length;
  }

  /** ISO 8601 timestamp of hour `index` (0 = first; may be past the end, for forecasts). */
  public timestampAt(index: number): string {
    return new Date(this.startEpochMillis + index * HOUR_MS).toISOString();
  }

  /** Hour of the week of hour `index`, 0 = Monday 00:00 UTC … 167 = Sunday 23:00 UTC (ISO 8601 week). */
  public hourOfWeekAt(index: number): number {
    const date = new Date(this.startEpochMillis + index * HOUR_MS);
    return ((date.getUTCDay() + 6) % 7) * 24 + date.getUTCHours();
  }
}

function splitCells(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1').trim());
}

function checkValue(field: string, raw: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new PlanningError(field, raw, 'must be a finite number (leave the cell empty for a missing hour)');
  }
  if (value < 0) {
    throw new PlanningError(field, raw, 'demand cannot be negative; fix the exporter or drop the row (an empty value is read as a missing hour)');
  }
}

/** ISO 8601 (UTC when no zone is given) or Unix epoch seconds → epoch milliseconds. */
function parseTimestamp(raw: string, line: number): number {
  const field = line > 0 ? `history.line[${line}].timestamp` : 'history.start';
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(raw)) {
    ms = Number(raw) * 1000;
  } else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(raw)) {
    let iso = raw.replace(' ', 'T');
    if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso = iso.length === 10 ? `${iso}T00:00:00Z` : `${iso}Z`;
    ms = Date.parse(iso);
  } else {
    ms = NaN;
  }
  if (!Number.isFinite(ms)) {
    throw new PlanningError(field, raw, 'must be an ISO 8601 timestamp such as 2024-05-01T13:00:00Z (UTC if no zone) or Unix epoch seconds');
  }
  return ms;
}

/** Fills NaN holes in place (see parseCsv for the rule); returns how many hours were filled. */
function fillGaps(id: string, v: number[]): number {
  const missing = v.filter((x) => Number.isNaN(x)).length;
  if (missing > MAX_MISSING_FRACTION * v.length) {
    throw new PlanningError(`history.${id}`, `${missing} of ${v.length} hours missing`,
      'more than half of the hours between the first and last timestamp are missing; export a denser history');
  }
  let i = 0;
  while (i < v.length) {
    if (!Number.isNaN(v[i])) {
      i++;
      continue;
    }
    const left = i - 1; // present (the series starts at a present hour)
    let right = i;
    while (Number.isNaN(v[right])) right++;
    const gap = right - left - 1;
    const seasonal = gap > LINEAR_GAP_HOURS && left - 24 >= 0;
    const devLeft = seasonal ? v[left] - v[left - 24] : 0;
    // Same hour of day on or before the last hour ahead of the gap (right − 24 itself is inside a gap of 24 h or more).
    const rightBase = right - 24 * Math.ceil((right - left) / 24);
    const devRight = seasonal ? (rightBase >= 0 ? v[right] - v[rightBase] : devLeft) : 0;
    for (let t = left + 1; t < right; t++) {
      const w = (t - left) / (right - left);
      v[t] = seasonal
        ? Math.max(0, v[t - 24] + (1 - w) * devLeft + w * devRight)
        : (1 - w) * v[left] + w * v[right];
    }
    i = right;
  }
  return missing;
}
