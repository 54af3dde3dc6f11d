/** One derived number: its name, value, unit, the formula and where the formula comes from. */
export interface ExplainedValue {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly formula: string;
  readonly source?: string;
}

/**
 * Collects derived numbers in the order they were computed and renders them as
 * the text returned by every plan's `explain()`.
 */
export class Explanation {
  private readonly lines: ExplainedValue[] = [];

  /** Records a derived number and returns it, so derivations read as assignments. */
  public add(name: string, value: number, unit: string, formula: string, source?: string): number {
    this.lines.push({ name, value, unit, formula, source });
    return value;
  }

  /** The recorded values, in order. */
  public get values(): ExplainedValue[] {
    return [...this.lines];
  }

  /** Plain-text rendering: `name = value unit   ← formula [source]`. */
  public render(title: string): string {
    const out = [title, '='.repeat(title.length)];
    for (const l of this.lines) {
      out.push(`${l.name} = ${formatQuantity(l.value, l.unit)}`);
      out.push(`    ← ${l.formula}${l.source ? `  [${l.source}]` : ''}`);
    }
    return out.join('\n') + '\n';
  }
}

/** Formats a number with its unit for humans: bytes as GiB/MiB, seconds as s/ms, others with 4 significant digits. */
export function formatQuantity(value: number, unit: string): string {
  if (unit === 'bytes') {
    if (Math.abs(value) >= 2 ** 30) return `${(value / 2 ** 30).toFixed(2)} GiB`;
    if (Math.abs(value) >= 2 ** 20) return `${(value / 2 ** 20).toFixed(2)} MiB`;
    return `${Math.round(value)} bytes`;
  }
  if (unit === 's' && Math.abs(value) < 1) return `${(value * 1000).toPrecision(4)} ms`;
  const text = Number.isInteger(value) ? String(value) : value.toPrecision(4);
  return unit ? `${text} ${unit}` : text;
}
