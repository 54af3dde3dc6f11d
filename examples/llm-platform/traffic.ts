import { RequestMix } from '../../src/planning/inference';

/**
 * The chat service's request sizes (illustrative; a real service passes its request log to `RequestMix.fromSamples`, or
 * `aidc plan inference --request-sizes log.csv`): mostly chat turns, some long-context questions, a few document
 * summaries. Replicas are sized on the whole mix, since the long prompts set p95 TTFT.
 */
export function chatRequestMix(): RequestMix {
  return RequestMix.of([
    { promptTokens: 600, outputTokens: 300, share: 0.8 },
    { promptTokens: 3000, outputTokens: 200, share: 0.15 },
    { promptTokens: 8000, outputTokens: 400, share: 0.05 },
  ]);
}

/**
 * An illustrative four-week hourly traffic history for the example's chat service (requests/s):
 * a weekday business-hours peak of about 90 req/s over a 6 req/s night floor, quieter weekends,
 * and a deterministic ±10% ripple. Real deployments pass their own history (e.g. a Prometheus export).
 */
export function chatTrafficHistory(): { start: string; values: number[] } {
  const values: number[] = [];
  for (let h = 0; h < 4 * 168; h++) {
    const hourOfDay = h % 24;
    const dayOfWeek = Math.floor(h / 24) % 7; // 0 = Monday
    const daytime = Math.max(0, Math.sin(((hourOfDay - 6) / 14) * Math.PI)); // 06:00–20:00 UTC
    const weekday = dayOfWeek < 5 ? 1 : 0.45;
    const ripple = 1 + 0.1 * Math.sin(h * 1.7);
    values.push(Number(((6 + 84 * daytime * weekday) * ripple).toFixed(3)));
  }
  return { start: '2026-10-05T00:00:00Z', values };
}
