import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeFrame, parsePayload, parseTopic, HOST_LINES } from '@shelfwatch/contracts';
import { makeTempDir, waitUntil, type BrokerHandle, type TempDir } from '@shelfwatch/test-support';
import { connectAsync, type MqttClient } from 'mqtt';
import { ReadlineParser, SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioFromObject } from '../src/scenario/load-scenario.js';
import { createSimulation } from '../src/simulation.js';
import { OBSERVER, startAuthBroker } from './fixtures/auth-broker.js';
import { TINY_CREDENTIALS, tinyScenario } from './fixtures/tiny-scenario.js';

const timeline = [
  { at: 120, type: 'board_corrupt_frames', boardId: 'board-s1', rate: 0.5, forS: 120 },
  { at: 300, type: 'probe_disconnect', probeId: 'probe-1p', forS: 300 },
  { at: 400, type: 'controller_offline', controllerId: 'ctl-1', forS: 60 },
  { at: 600, type: 'door_ajar', caseId: 'case-1', forS: 600 },
];

interface Received {
  serialChannels: number;
  serialRejected: number;
  cameraSlots: number;
  probes: number;
}

describe('simulation end to end over real transports', () => {
  let broker: BrokerHandle & { refused: string[] };
  let dir: TempDir;
  let observer: MqttClient;

  beforeAll(async () => {
    broker = await startAuthBroker('tiny-store', TINY_CREDENTIALS);
    dir = await makeTempDir('sim-e2e');
    observer = await connectAsync(broker.url, { clientId: 'observer', ...OBSERVER });
    await observer.subscribeAsync('sw/v1/tiny-store/#', { qos: 1 });
  });
  afterAll(async () => {
    await observer.endAsync();
    await broker.close();
    await dir.remove();
  });

  async function runOnce(name: string): Promise<{ received: Received; summary: Awaited<ReturnType<Awaited<ReturnType<typeof createSimulation>>['stop']>>; truth: string }> {
    const scenario = await scenarioFromObject(tinyScenario({ settings: { startTime: '2026-03-02T12:00:00Z', durationS: 1800, demand: { unitsPerSlotPerDay: 200 }, probes: { intervalS: 30 }, cameras: { scanIntervalS: 30 } }, timeline }));
    const groundTruthPath = path.join(dir.path, `${name}.jsonl`);
    const sim = await createSimulation({ scenario, seed: 7, speed: 600, mqttUrl: broker.url, credentials: TINY_CREDENTIALS, workDir: path.join(dir.path, name), groundTruthPath });
    const received: Received = { serialChannels: 0, serialRejected: 0, cameraSlots: 0, probes: 0 };
    const onMessage = (topic: string, payload: Buffer) => {
      const t = parseTopic(topic);
      if (t?.channel === 'scan') {
        const p = parsePayload('scan', payload);
        if (p.ok) received.cameraSlots += p.value.slots.length;
      } else if (t?.channel === 'probe' && parsePayload('probe', payload).ok) received.probes++;
    };
    observer.on('message', onMessage);
    // The gateway's side of the serial line: opened before the clock starts.
    const hostPath = sim.endpoints.boards['board-s1']!;
    expect(Object.keys(sim.endpoints.controllers)).toEqual(['ctl-1']);
    expect(sim.endpoints.controllers['ctl-1']).toMatch(/^opc\.tcp:\/\/127\.0\.0\.1:\d+$/);
    const port = new SerialPort({ path: hostPath, baudRate: 115_200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.write(`${HOST_LINES.hello}\n`);
    const frames = port.pipe(new ReadlineParser({ delimiter: '\r\n' }));
    frames.on('data', (line: string) => {
      const d = decodeFrame(line);
      if (d.ok) received.serialChannels += d.frame.channels.length;
      else received.serialRejected++;
    });
    await sim.run();
    // Lines already written may still be in the pty: the last frame's arrival has no event of its own.
    const expected = sim.stats().readingsByKind;
    await waitUntil(() => received.serialChannels >= expected.serial && received.probes >= expected.probe && received.cameraSlots >= expected.camera, {
      timeoutMs: 10_000,
      intervalMs: 20,
      what: 'every delivered reading at the observers',
    }).catch(() => undefined);
    const summary = await sim.stop();
    observer.off('message', onMessage);
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    return { received, summary, truth: await readFile(groundTruthPath, 'utf8') };
  }

  it('counts exactly what the transports delivered, stamps simulated time, and writes the same ground truth for the same seed', async () => {
    const first = await runOnce('first');
    const { received, summary } = first;
    expect(summary.simulatedS).toBe(1800);
    expect(summary.stoppedEarly).toBe(false);
    expect(summary.readingsByKind.serial).toBe(received.serialChannels);
    expect(summary.corruptedFramesSent).toBe(received.serialRejected);
    expect(summary.corruptedFramesSent).toBeGreaterThan(0);
    expect(summary.readingsByKind.camera).toBe(received.cameraSlots);
    expect(summary.readingsByKind.probe).toBe(received.probes);
    expect(summary.readingsByKind.opcua).toBeGreaterThanOrEqual(5);
    expect(summary.readingsSent).toBe(received.serialChannels + received.cameraSlots + received.probes + summary.readingsByKind.opcua);
    const lines = first.truth.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines[0]?.type).toBe('run_start');
    expect(lines.at(-1)?.type).toBe('run_end');
    expect(lines.filter((l) => l.type === 'fault')).toHaveLength(4);

    const second = await runOnce('second');
    expect(second.truth).toBe(first.truth);
  });
});
