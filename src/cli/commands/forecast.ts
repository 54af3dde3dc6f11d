import * as fs from 'fs';
import { PlanningError } from '../../errors';
import { DemandForecaster, HourlySeries } from '../../planning/forecast';
import { numberFlag, requireFlag } from '../args';
import { CliCommand, CliResult, ParsedArgs } from '../cli-types';
import { renderTable } from '../render';

const USAGE = `aidc forecast --history FILE --horizon-hours H [--interval-level L] [--json]

Forecasts hourly demand from a history CSV with header \`timestamp,value\` or
\`series,timestamp,value\` (ISO 8601 timestamps, UTC when no zone is given).
Methods (seasonal naive, Holt-Winters damped, Taylor double seasonal, Theta) are
chosen by rolling-origin backtest and the best three averaged; \`upper\` is the
--interval-level (default 0.95) bound from backtest errors. Missing hours are
interpolated (linear up to 6 h, seasonal beyond).

--json prints {"forecasts":[{"series","timestamps","values","upper",...}]}.`;

/** \`aidc forecast\`. */
export const FORECAST_COMMANDS: CliCommand[] = [{
  path: ['forecast'],
  summary: 'Forecast hourly demand from a traffic history CSV',
  usage: USAGE,
  valueFlags: ['history', 'horizon-hours', 'interval-level'],
  switchFlags: ['json'],
  run(args: ParsedArgs): CliResult {
    const file = requireFlag(args, 'history');
    requireFlag(args, 'horizon-hours');
    const horizon = numberFlag(args, 'horizon-hours', { integer: true }) as number;
    const level = numberFlag(args, 'interval-level');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new PlanningError('--history', file, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'}); give the path of a CSV with header timestamp,value`);
    }
    const forecasts = DemandForecaster.forecastAll(HourlySeries.parseCsv(text), { horizonHours: horizon, intervalLevel: level });
    if (args.switches.has('json')) {
      return { code: 0, stdout: JSON.stringify({ forecasts: forecasts.map((f) => f.toJson()) }, null, 2) + '\n', stderr: '' };
    }
    const out: string[] = [];
    for (const f of forecasts) {
      out.push(`Series ${f.series}: ${f.methods.join(' + ')}${f.fallback ? ` (fallback: ${f.fallback})` : ''}`);
      out.push(renderTable(['timestamp', 'value', `upper (${f.intervalLevel})`],
        f.timestamps.map((t, i) => [t, f.values[i].toFixed(3), f.upper[i].toFixed(3)])));
      out.push(f.explain());
    }
    return { code: 0, stdout: out.join('\n'), stderr: '' };
  },
}];
