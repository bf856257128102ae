import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StoreLayout } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import { loadScenario, ScenarioError } from '../../src/scenario/load-scenario.js';
import { tinyScenario } from '../fixtures/tiny-scenario.js';

const SCENARIOS = path.resolve(import.meta.dirname, '../../scenarios');

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sw-scn-'));
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('loadScenario', () => {
  it('names the file, the path inside it and the problem', async () => {
    const file = await tempFile('bad.json', JSON.stringify(tinyScenario({ timeline: [{ at: 60, type: 'door_ajar', caseId: 'nope' }] })));
    const err = await loadScenario(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('timeline.0.caseId');
    expect((err as Error).message).toContain("unknown case 'nope'");
  });

  it('reports schema errors with their path', async () => {
    const file = await tempFile('bad.json', JSON.stringify(tinyScenario({ settings: { durationS: 'soon' } })));
    await expect(loadScenario(file)).rejects.toThrow(/settings\.durationS: 'soon' is not a duration/);
  });

  it('reports errors inside a referenced layout file under that file', async () => {
    const layoutFile = await tempFile('store.json', JSON.stringify({ store: { id: 'BAD ID', name: 'x', timezone: 'UTC' } }));
    const file = path.join(path.dirname(layoutFile), 'scenario.json');
    await writeFile(file, JSON.stringify({ ...tinyScenario(), store: 'store.json' }));
    await expect(loadScenario(file)).rejects.toThrow(new RegExp(`${layoutFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: store\\.id`));
  });

  it('reads YAML and readable durations', async () => {
    const file = await tempFile(
      'ok.yaml',
      `name: yaml\ndescription: test\nstore: ${JSON.stringify(tinyScenario().store)}\nsettings:\n  startTime: "2026-03-02T10:00:00Z"\n  durationS: "2h"\ntimeline:\n  - { at: "00:30", type: door_ajar, caseId: case-1, forS: 10m }\n`,
    );
    const s = await loadScenario(file);
    expect(s.settings.durationS).toBe(7200);
    expect(s.timeline[0]).toMatchObject({ at: 1800, forS: 600 });
  });

  it('loads every shipped scenario, and the large store has 5,000 slots at 2 Hz', async () => {
    const names = ['normal-day', 'rush-hour-sellout', 'compressor-failure', 'door-ajar', 'defrost-day', 'misplaced-product', 'supplier-delivery', 'sensor-faults', 'large-store'];
    for (const name of names) {
      const s = await loadScenario(path.join(SCENARIOS, `${name}.json`));
      expect(StoreLayout.safeParse(s.layout).success).toBe(true);
      expect(s.description.length).toBeGreaterThan(40);
    }
    const large = await loadScenario(path.join(SCENARIOS, 'large-store.json'));
    expect(large.layout.shelves.flatMap((s) => s.slots)).toHaveLength(5000);
    expect(large.layout.cases).toHaveLength(60);
    expect(large.layout.cases.flatMap((c) => c.probes)).toHaveLength(180);
    expect(large.layout.cameras).toHaveLength(100);
    expect(large.layout.cameras.every((c) => c.slotIds.length === 40)).toBe(true);
    expect(large.settings.stepMs).toBe(500);
    expect(large.settings.boards.heartbeatS).toBe(0.5);
    expect(large.settings.cameras.scanIntervalS).toBe(10);
  });

  it('loads the demo scenario with its store file', async () => {
    const s = await loadScenario(path.resolve(import.meta.dirname, '../../../config/demo/scenario.json'));
    expect(s.layout.store.id).toBe('demo-store');
    expect(s.layout.cases).toHaveLength(4);
  });
});
