import { PlanningError } from '../errors';
import { LoggedRequest, RequestSize } from '../planning/inference';

/** Header names accepted for the prompt and output token columns (case-insensitive; Azure LLM inference trace first). */
const PROMPT_HEADERS = ['contexttokens', 'prompt_tokens', 'prompttokens', 'input_tokens', 'prompt'];
const OUTPUT_HEADERS = ['generatedtokens', 'output_tokens', 'outputtokens', 'completion_tokens', 'output'];
/** Header names accepted for the arrival time: seconds, or a date-time such as the Azure trace's TIMESTAMP. */
const TIME_HEADERS = ['timestamp', 'arrival_seconds', 'arrival_time', 'time'];

/** A CSV table: lower-cased header, data lines with their 1-based line numbers. */
interface Table { readonly header: string[]; readonly raw: string; readonly rows: Array<{ line: number; cells: string[] }> }

function table(csv: string): Table {
  const lines = csv.split(/\r?\n/);
  const rows = lines.slice(1).map((l, i) => ({ line: i + 2, cells: l.split(',') })).filter((r) => r.cells.join('').trim() !== '');
  return { header: (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase()), raw: lines[0] ?? '', rows };
}

function column(t: Table, names: string[], what: string, source: string): number {
  const k = t.header.findIndex((h) => names.includes(h));
  if (k < 0) throw new PlanningError(`${source} header`, t.raw, `needs a ${what} column named one of ${names.join(', ')}`);
  return k;
}

function tokens(t: Table, row: { line: number; cells: string[] }, k: number, source: string): number {
  const raw = (row.cells[k] ?? '').trim();
  const v = Number(raw);
  if (raw === '' || !Number.isInteger(v) || v < 1) {
    throw new PlanningError(`${source} line ${row.line} ${t.header[k]}`, raw, 'must be a whole number of tokens, at least 1');
  }
  return v;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Seconds from a number of seconds or a date-time (`2023-11-16 18:15:46.6805900`, UTC unless it says otherwise). */
function seconds(raw: string, field: string): number {
  const text = raw.trim();
  if (text !== '' && Number.isFinite(Number(text))) return Number(text);
  const m = DATE_TIME.exec(text);
  const whole = m ? Date.parse(`${m[1]}T${m[2]}${m[4] ?? 'Z'}`) : NaN;
  if (!m || !Number.isFinite(whole)) throw new PlanningError(field, raw, 'must be seconds or a date-time like 2023-11-16 18:15:46.68');
  return whole / 1000 + (m[3] ? Number(`0${m[3]}`) : 0);
}

/**
 * Reads a request log in CSV: a header row naming a prompt-token column (ContextTokens, prompt_tokens, input_tokens,
 * prompt) and an output-token column (GeneratedTokens, output_tokens, completion_tokens, output), then one request per
 * line; other columns are ignored. The Azure LLM inference trace 2023 CSVs read as they are.
 * @param csv the file's text
 * @param source the file name, for errors
 */
export function parseRequestLog(csv: string, source: string): RequestSize[] {
  const t = table(csv);
  const p = column(t, PROMPT_HEADERS, 'prompt-token', source);
  const o = column(t, OUTPUT_HEADERS, 'output-token', source);
  if (t.rows.length === 0) throw new PlanningError(source, 'no requests', 'needs at least one request line after the header');
  return t.rows.map((row) => ({ promptTokens: tokens(t, row, p, source), outputTokens: tokens(t, row, o, source) }));
}

/**
 * Reads a request log with arrival times: the columns of {@link parseRequestLog} plus a time column (TIMESTAMP,
 * arrival_seconds, arrival_time or time) in seconds or as a date-time.
 * @param csv the file's text
 * @param source the file name, for errors
 */
export function parseTimedRequestLog(csv: string, source: string): LoggedRequest[] {
  const t = table(csv);
  const k = column(t, TIME_HEADERS, 'arrival-time', source);
  const sizes = parseRequestLog(csv, source);
  return t.rows.map((row, i) => ({ ...sizes[i], arrivalSeconds: seconds(row.cells[k] ?? '', `${source} line ${row.line} ${t.header[k]}`) }));
}
