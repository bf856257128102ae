import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { StoreLayout } from '@shelfwatch/contracts';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { generateLayout } from './generate-layout.js';
import { GeneratedLayoutSpec, ScenarioFile, type Scenario, type TimelineEvent } from './schema.js';

/** A scenario or layout file that cannot be used; the message names the file, the path in it and the problem. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { path: string; message: string }[],
  ) {
    super(`invalid scenario ${file}:\n${problems.map((p) => `  ${file}: ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

function issuesOf(error: z.ZodError, prefix: (string | number)[] = []): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: [...prefix, ...i.path.map((p) => String(p))].join('.'), message: i.message }));
}

async function readStructured(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(file, [{ path: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  try {
    return /\.ya?ml$/i.test(file) ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (err) {
    throw new ScenarioError(file, [{ path: '', message: `not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}` }]);
  }
}

async function resolveLayout(file: string, store: unknown): Promise<StoreLayout> {
  if (typeof store === 'string') {
    const layoutFile = path.resolve(path.dirname(file), store);
    const parsed = StoreLayout.safeParse(await readStructured(layoutFile));
    if (!parsed.success) throw new ScenarioError(layoutFile, issuesOf(parsed.error));
    return parsed.data;
  }
  if (store !== null && typeof store === 'object' && 'generate' in store) {
    const spec = GeneratedLayoutSpec.safeParse((store).generate);
    if (!spec.success) throw new ScenarioError(file, issuesOf(spec.error, ['store', 'generate']));
    return generateLayout(spec.data);
  }
  const parsed = StoreLayout.safeParse(store);
  if (!parsed.success) throw new ScenarioError(file, issuesOf(parsed.error, ['store']));
  return parsed.data;
}

/** Timeline and settings refer to the layout by id: every reference must exist. */
export function checkReferences(layout: StoreLayout, scenario: Pick<Scenario, 'timeline' | 'settings'>): { path: string; message: string }[] {
  const slots = new Set(layout.shelves.flatMap((s) => s.slots.map((slot) => slot.id)));
  const skus = new Set(layout.products.map((p) => p.sku));
  const cases = new Set(layout.cases.map((c) => c.id));
  const probes = new Set(layout.cases.flatMap((c) => c.probes.map((p) => p.id)));
  const controllers = new Set(layout.cases.map((c) => c.controllerId));
  const boards = new Set(layout.shelves.map((s) => s.boardId));
  const cameras = new Map(layout.cameras.map((c) => [c.id, new Set(c.slotIds)]));
  const devices = new Set([...probes, ...controllers, ...boards, ...cameras.keys()]);
  const problems: { path: string; message: string }[] = [];
  const need = (set: Set<string>, value: string, where: string, what: string) => {
    if (!set.has(value)) problems.push({ path: where, message: `unknown ${what} '${value}'` });
  };
  scenario.timeline.forEach((e: TimelineEvent, i) => {
    const p = (field: string) => `timeline.${i}.${field}`;
    switch (e.type) {
      case 'compressor_failure':
      case 'door_ajar':
      case 'fan_failure':
      case 'defrost':
      case 'setpoint_change':
      case 'cooling_degradation':
      case 'door_rush':
      case 'refrigerant_leak':
      case 'condenser_fouling':
      case 'evaporator_icing':
        need(cases, e.caseId, p('caseId'), 'case');
        break;
      case 'probe_drift':
      case 'probe_disconnect':
      case 'probe_stuck':
      case 'probe_noisy':
      case 'probe_offset':
        need(probes, e.probeId, p('probeId'), 'probe');
        break;
      case 'controller_offline':
        need(controllers, e.controllerId, p('controllerId'), 'controller');
        break;
      case 'board_disconnect':
      case 'board_corrupt_frames':
      case 'board_drop_frames':
        need(boards, e.boardId, p('boardId'), 'board');
        break;
      case 'device_silent':
        need(devices, e.deviceId, p('deviceId'), 'device');
        break;
      case 'camera_offline':
        need(new Set(cameras.keys()), e.cameraId, p('cameraId'), 'camera');
        break;
      case 'camera_coverage': {
        const inView = cameras.get(e.cameraId);
        if (!inView) problems.push({ path: p('cameraId'), message: `unknown camera '${e.cameraId}'` });
        else e.slotIds.forEach((slotId, j) => need(inView, slotId, `timeline.${i}.slotIds.${j}`, `slot in view of ${e.cameraId}`));
        break;
      }
      case 'power_cut':
      case 'gateway_outage':
      case 'backhaul_outage':
        break;
      case 'misplace_product':
        need(slots, e.slotId, p('slotId'), 'slot');
        need(skus, e.sku, p('sku'), 'sku');
        break;
      case 'restock':
        need(slots, e.slotId, p('slotId'), 'slot');
        if (e.sku !== undefined) need(skus, e.sku, p('sku'), 'sku');
        break;
      case 'set_facings':
      case 'push_back':
      case 'shopper_lift':
      case 'shopper_lean':
        need(slots, e.slotId, p('slotId'), 'slot');
        break;
      case 'delivery':
        need(skus, e.sku, p('sku'), 'sku');
        break;
      case 'rush':
        (e.skus ?? []).forEach((sku, j) => need(skus, sku, `timeline.${i}.skus.${j}`, 'sku'));
        break;
    }
  });
  for (const slotId of Object.keys(scenario.settings.initialStock.slots)) need(slots, slotId, `settings.initialStock.slots.${slotId}`, 'slot');
  const inSomeView = new Set([...cameras.values()].flatMap((v) => [...v]));
  for (const slotId of Object.keys(scenario.settings.cameras.slots)) need(inSomeView, slotId, `settings.cameras.slots.${slotId}`, 'slot in view of a camera');
  for (const caseId of Object.keys(scenario.settings.cases.byCase)) need(cases, caseId, `settings.cases.byCase.${caseId}`, 'case');
  return problems;
}

/** Loads a scenario (JSON or YAML), resolving and validating its store layout. */
export async function loadScenario(file: string): Promise<Scenario> {
  const abs = path.resolve(file);
  const raw = await readStructured(abs);
  const parsed = ScenarioFile.safeParse(raw);
  if (!parsed.success) throw new ScenarioError(abs, issuesOf(parsed.error));
  return buildScenario(abs, parsed.data);
}

/** Builds a scenario from an already-parsed object (tests, generated scenarios). */
export async function scenarioFromObject(raw: unknown, source = '<inline>'): Promise<Scenario> {
  const parsed = ScenarioFile.safeParse(raw);
  if (!parsed.success) throw new ScenarioError(source, issuesOf(parsed.error));
  return buildScenario(path.resolve(source), parsed.data);
}

async function buildScenario(file: string, data: z.infer<typeof ScenarioFile>): Promise<Scenario> {
  const layout = await resolveLayout(file, data.store);
  const scenario: Scenario = {
    name: data.name,
    description: data.description,
    expect: data.expect,
    layout,
    settings: data.settings,
    timeline: [...data.timeline].sort((a, b) => a.at - b.at),
    source: file,
  };
  const problems = checkReferences(layout, { timeline: data.timeline, settings: data.settings });
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return scenario;
}
