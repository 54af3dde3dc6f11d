import { PlanningError } from '../errors';
import { RequestSize } from '../planning/inference';

/** Header names accepted for the prompt and output token columns (case-insensitive; Azure LLM inference trace first). */
const PROMPT_HEADERS = ['contexttokens', 'prompt_tokens', 'prompttokens', 'input_tokens', 'prompt'];
const OUTPUT_HEADERS = ['generatedtokens', 'output_tokens', 'outputtokens', 'completion_tokens', 'output'];

/**
 * Reads a request log in CSV: a header row naming a prompt-token column (ContextTokens, prompt_tokens, input_tokens,
 * prompt) and an output-token column (GeneratedTokens, output_tokens, completion_tokens, output), then one request per
 * line; other columns (e.g. TIMESTAMP) are ignored. The Azure LLM inference trace 2023 CSVs read as they are.
 * @param csv the file's text
 * @param source the file name, for errors
 */
export function parseRequestLog(csv: string, source: string): RequestSize[] {
  const lines = csv.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const column = (names: string[], what: string): number => {
    const k = header.findIndex((h) => names.includes(h));
    if (k < 0) throw new PlanningError(`${source} header`, lines[0] ?? '', `needs a ${what} column named one of ${names.join(', ')}`);
    return k;
  };
  const p = column(PROMPT_HEADERS, 'prompt-token');
  const o = column(OUTPUT_HEADERS, 'output-token');
  const sizes: RequestSize[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split(',');
    const count = (k: number): number => {
      const raw = (cells[k] ?? '').trim();
      const v = Number(raw);
      if (raw === '' || !Number.isInteger(v) || v < 1) {
        throw new PlanningError(`${source} line ${i + 1} ${header[k]}`, raw, 'must be a whole number of tokens, at least 1');
      }
      return v;
    };
    sizes.push({ promptTokens: count(p), outputTokens: count(o) });
  }
  if (sizes.length === 0) throw new PlanningError(source, 'no requests', 'needs at least one request line after the header');
  return sizes;
}
