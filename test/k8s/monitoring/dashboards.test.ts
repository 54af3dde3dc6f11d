import * as fs from 'fs';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullConfiguration } from './fixture';
import { describeWithShared, sharedPath } from '../../harness/shared';

/** ajv over grafana-foundation-sdk v0.0.18's JSON schemas (../shared/schemas/grafana, see SOURCES.md). */
function grafanaValidators(): { [name: string]: ValidateFunction } {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of ['dashboard', 'timeseries', 'stat', 'prometheus']) {
    const schema = JSON.parse(fs.readFileSync(sharedPath('schemas', 'grafana', `${f}.jsonschema.json`), 'utf8'));
    ajv.addSchema({ ...schema, $id: f });
  }
  const get = (ref: string) => ajv.getSchema(ref)!;
  return {
    dashboard: get('dashboard'),
    timeseriesOptions: get('timeseries#/definitions/Options'),
    timeseriesFieldConfig: get('timeseries#/definitions/FieldConfig'),
    statOptions: get('stat#/definitions/Options'),
    prometheusQuery: get('prometheus#/definitions/Dataquery'),
  };
}

function errors(v: ValidateFunction, data: any, where: string): string[] {
  return v(data) ? [] : (v.errors ?? []).map((e) => `${where}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

const { objects } = fullConfiguration();
const configMaps = objects.filter((o) => o.kind === 'ConfigMap');
const dashboards: Array<[string, any]> = configMaps.flatMap((cm) => Object.entries<string>(cm.data).map(([k, v]) => [k, JSON.parse(v)] as [string, any]));

describe('MonitoringStack dashboards', () => {
  test('the GPU fleet, inference SLO and training dashboards are emitted, one per ConfigMap', () => {
    expect(dashboards.map(([k]) => k).sort()).toEqual(['aidc-gpu-fleet.json', 'aidc-inference-slo.json', 'aidc-training.json']);
    expect(configMaps.every((cm) => Object.keys(cm.data).length === 1)).toBe(true);
  });

  test.each(dashboards)('%s has unique panel ids, in-grid positions and non-overlapping panels', (_k, d) => {
    const ids = d.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of d.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`)).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
    }
  });

  test.each(dashboards)('%s queries only the Prometheus data source chosen by the datasource variable', (_k, d) => {
    expect(d.templating.list[0]).toMatchObject({ type: 'datasource', name: 'datasource', query: 'prometheus' });
    for (const p of d.panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets) expect(t.datasource).toEqual(p.datasource);
    }
  });

  test('the training dashboard lists the registered jobs (built lazily at synthesis)', () => {
    const training = dashboards.find(([k]) => k === 'aidc-training.json')![1];
    expect(training.templating.list.find((v: any) => v.name === 'job')).toMatchObject({ type: 'custom', query: 'ft', current: { text: 'ft', value: 'ft' } });
  });
});

describeWithShared('MonitoringStack dashboards against the Grafana schemas', () => {
  const v = grafanaValidators();

  test.each(dashboards)('%s is a valid dashboard', (_k, d) => {
    expect(errors(v.dashboard, d, 'dashboard')).toEqual([]);
  });

  test.each(dashboards)('%s panels have valid timeseries/stat options and Prometheus queries', (_k, d) => {
    const found: string[] = [];
    for (const p of d.panels) {
      const where = `panel ${p.id} (${p.title})`;
      if (p.type === 'timeseries') {
        found.push(...errors(v.timeseriesOptions, p.options, `${where} options`));
        found.push(...errors(v.timeseriesFieldConfig, p.fieldConfig.defaults.custom, `${where} fieldConfig.custom`));
      } else if (p.type === 'stat') {
        found.push(...errors(v.statOptions, p.options, `${where} options`));
      } else {
        found.push(`${where}: unexpected panel type ${p.type}`);
      }
      for (const t of p.targets) found.push(...errors(v.prometheusQuery, t, `${where} target ${t.refId}`));
    }
    expect(found).toEqual([]);
  });

  test('the schema check is not vacuous: a misspelled panel option is rejected', () => {
    const d = JSON.parse(JSON.stringify(dashboards[0][1]));
    const p = d.panels.find((x: any) => x.type === 'timeseries');
    p.options.legend.displayMod = 'list';
    expect(errors(v.timeseriesOptions, p.options, 'x').join('\n')).toMatch(/displayMod/);
    p.gridPos.w = 30;
    expect(errors(v.dashboard, d, 'x').length).toBeGreaterThan(0);
  });
});
