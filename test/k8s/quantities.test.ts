import { quantityOfBytes, quantityOfCpu } from '../../src/k8s/private/quantities';

describe('Kubernetes quantities', () => {
  test.each([
    [0, '0Mi'],
    [1, '1Mi'],
    [2 ** 20, '1Mi'],
    [2 ** 20 + 1, '2Mi'],
    [1023 * 2 ** 20, '1023Mi'],
    [2 ** 30, '1Gi'],
    [2 ** 30 + 1, '2Gi'],
    [1.5 * 2 ** 40, '1536Gi'],
    [2 ** 40, '1Ti'],
  ])('%d bytes render as %s (never less than asked)', (bytes, q) => {
    expect(quantityOfBytes(bytes)).toBe(q);
  });

  test.each([[0.5, '500m'], [1, '1'], [1.2345, '1235m'], [172, '172']])('%d cores render as %s', (cores, q) => {
    expect(quantityOfCpu(cores)).toBe(q);
  });

  test.each([NaN, -1, Infinity])('rejects %d bytes', (bytes) => {
    expect(() => quantityOfBytes(bytes)).toThrow(/invalid byte count/);
  });
});
