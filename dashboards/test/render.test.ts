import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { allDashboards, DATASOURCE_UID, GRAFANA_PROVISIONING_DIR, panelQueries, renderProvisioning } from '../src/index.js';

const provisioningDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../provisioning');

interface PanelJson {
  id?: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { datasource?: { uid?: string; type?: string }; rawQuery?: boolean; query?: string }[];
  fieldConfig?: { defaults?: { unit?: string; thresholds?: unknown } };
}

describe('generated provisioning', () => {
  it('the committed files are what the build writes now (run `npm run build -w @shelfwatch/dashboards` after changing src/)', async () => {
    for (const [relative, content] of renderProvisioning()) {
      const committed = await readFile(path.join(provisioningDir, relative), 'utf8').catch(() => '(missing)');
      expect(committed, `dashboards/provisioning/${relative} is stale`).toBe(content);
    }
  });

  it('holds no file the build does not write', async () => {
    const expected = new Set(renderProvisioning().keys());
    for (const folder of ['dashboards', 'datasources']) {
      for (const name of await readdir(path.join(provisioningDir, folder))) expect(expected.has(`${folder}/${name}`), `${folder}/${name}`).toBe(true);
    }
  });

  it('the dashboard provider points at the folder that holds the JSON, and the datasource has the uid the panels use', () => {
    const files = renderProvisioning();
    const provider = parseYaml(files.get('dashboards/shelfwatch.yaml')!) as { providers: { options: { path: string } }[] };
    expect(provider.providers[0]?.options.path).toBe(`${GRAFANA_PROVISIONING_DIR}/dashboards`);
    const ds = parseYaml(files.get('datasources/influxdb.yaml')!) as { datasources: { uid: string; type: string; jsonData: { dbName: string } }[] };
    expect(ds.datasources[0]).toMatchObject({ uid: DATASOURCE_UID, type: 'influxdb', jsonData: { dbName: 'shelfwatch' } });
  });
});

describe.each(allDashboards().map((d) => [d.file, d.dashboard] as const))('%s', (_file, dashboard) => {
  const panels = (dashboard.panels ?? []) as unknown as PanelJson[];
  const dataPanels = panels.filter((p) => p.type !== 'row');

  it('has a fixed uid, a title and the store variable', () => {
    expect(dashboard.uid).toMatch(/^shelfwatch-/);
    expect(dashboard.templating?.list?.map((v) => v.name)).toContain('store');
  });

  it('every data panel queries the provisioned InfluxDB with raw InfluxQL', () => {
    for (const p of dataPanels) {
      expect(p.datasource, p.title).toEqual({ type: 'influxdb', uid: DATASOURCE_UID });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(t.datasource, p.title).toEqual({ type: 'influxdb', uid: DATASOURCE_UID });
        expect(t.rawQuery).toBe(true);
        expect(t.query).toMatch(/\$timeFilter/);
        expect(t.query).toMatch(/"store" =~ \/\^\$store\$\//);
      }
    }
  });

  it('every panel that shows numbers has a unit', () => {
    for (const p of dataPanels.filter((x) => x.type === 'timeseries' || x.type === 'stat' || x.type === 'bargauge')) {
      expect(p.fieldConfig?.defaults?.unit, p.title).toBeTruthy();
    }
  });

  it('panel ids are unique', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists its queries for the query tests', () => {
    expect(panelQueries(dashboard).length).toBeGreaterThanOrEqual(dataPanels.length);
  });
});

describe('the panels each dashboard must show', () => {
  const titles = (uid: string) =>
    ((allDashboards().find((d) => d.dashboard.uid === uid)?.dashboard.panels ?? []) as unknown as PanelJson[]).map((p) => p.title);

  it('store operations', () => {
    expect(titles('shelfwatch-store-operations')).toEqual(
      expect.arrayContaining(['On-shelf availability', 'Out-of-stock slots by aisle', 'Open tasks by kind', 'Time to acknowledge', 'Time to done', 'Planogram compliance']),
    );
  });

  it('cold chain, with the case panel repeated per case and limits drawn as dashed thresholds', () => {
    const cold = allDashboards().find((d) => d.dashboard.uid === 'shelfwatch-cold-chain')!.dashboard;
    const panel = (cold.panels ?? []).find((p) => p.title === 'Case $case: temperatures') as unknown as {
      repeat: string;
      fieldConfig: { defaults: { thresholds: { steps: { value: number | null }[] }; custom: { thresholdsStyle: { mode: string } } } };
    };
    expect(panel.repeat).toBe('case');
    expect(panel.fieldConfig.defaults.thresholds.steps.map((s) => s.value)).toEqual([null, -18, -15, 5, 8]);
    expect(panel.fieldConfig.defaults.custom.thresholdsStyle.mode).toBe('dashed');
    expect(titles('shelfwatch-cold-chain')).toEqual(expect.arrayContaining(['Cases in alarm', 'Time above limit', 'Defrost, door and compressor']));
  });

  it('chain overview: the store tables sorted worst first, the chain-wide figures, every store by default', () => {
    const chain = allDashboards().find((d) => d.dashboard.uid === 'shelfwatch-chain-overview')!.dashboard;
    const sorts = Object.fromEntries(
      ((chain.panels ?? []) as unknown as (PanelJson & { options?: { sortBy?: { displayName: string; desc: boolean }[] } })[])
        .filter((p) => p.type === 'table')
        .map((p) => [p.title, p.options?.sortBy] as const),
    );
    expect(sorts).toEqual({
      'On-shelf availability by store': [{ displayName: 'on-shelf %', desc: false }],
      'Cold-chain alarms by store': [{ displayName: 'cases in alarm', desc: true }],
      'Device health by store': [{ displayName: 'devices offline', desc: true }],
    });
    expect(titles('shelfwatch-chain-overview')).toEqual(expect.arrayContaining(['Stores reporting', 'On-shelf availability', 'Cases in alarm', 'Devices offline', 'Dead letters']));
    expect(chain.templating?.list?.find((v) => v.name === 'store')?.current).toMatchObject({ value: ['$__all'] });
    // A click on a store opens a dashboard that exists, with that store selected.
    const uids = new Set(allDashboards().map((d) => d.dashboard.uid));
    const links = JSON.stringify(chain.panels).match(/\/d\/[^?]+\?var-store=/g) ?? [];
    expect(links).toHaveLength(3);
    for (const link of links) expect(uids.has(link.slice(3, -11)), link).toBe(true);
  });

  it('devices and gateway', () => {
    expect(titles('shelfwatch-devices')).toEqual(
      expect.arrayContaining(['Last seen per device', 'Probe battery', 'Rejected frames and payloads by reason', 'Outbox depth', 'Outbox age', 'Write rates']),
    );
  });
});
