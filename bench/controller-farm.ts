/**
 * A store's refrigeration case controllers for the bench, in a process of their own: one
 * OPC UA server per controller (the simulator's OpcuaControllerLink, with the controller's
 * own credentials), each reporting a fresh air-temperature sample every second near its
 * setpoint and cycling its compressor every two minutes, as a case at rest does.
 * Usage: node controller-farm.js <config.json>; prints {"event":"ready","endpoints":{...},"certificates":{...}}.
 */
import { readFileSync } from 'node:fs';
import { OpcuaControllerLink } from '@shelfwatch/firmware-sim';

export interface ControllerFarmConfig {
  pkiDir: string;
  controllers: { controllerId: string; caseId: string; password: string; setpointC: number }[];
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ControllerFarmConfig;
const links: { link: OpcuaControllerLink; setpointC: number; phase: number }[] = [];
for (const [i, c] of config.controllers.entries()) {
  const link = new OpcuaControllerLink({ controllerId: c.controllerId, caseId: c.caseId, password: c.password, pkiDir: config.pkiDir });
  await link.start();
  const now = Date.now();
  link.apply([
    { variable: 'setpointC', value: c.setpointC, sourceTsMs: now },
    { variable: 'airTempC', value: c.setpointC + 0.5, sourceTsMs: now },
    { variable: 'defrostActive', value: false, sourceTsMs: now },
    { variable: 'doorOpen', value: false, sourceTsMs: now },
    { variable: 'compressorRunning', value: true, sourceTsMs: now },
  ]);
  links.push({ link, setpointC: c.setpointC, phase: i });
}
// Certificates too: the gateway talks sign & encrypt to controllers in its trust list only.
const ready = {
  event: 'ready',
  endpoints: Object.fromEntries(config.controllers.map((c, i) => [c.controllerId, links[i]!.link.endpointUrl])),
  certificates: Object.fromEntries(config.controllers.map((c, i) => [c.controllerId, links[i]!.link.certificate().toString('base64')])),
};
process.stdout.write(`${JSON.stringify(ready)}\n`);

let tick = 0;
const timer = setInterval(() => {
  tick += 1;
  const now = Date.now();
  for (const { link, setpointC, phase } of links) {
    // Within ±0.3 °C of setpoint + 0.5: in limits, so no task; a new sample every second.
    const airTempC = Math.round((setpointC + 0.5 + 0.3 * Math.sin((tick + phase) / 20)) * 10) / 10;
    link.apply([{ variable: 'airTempC', value: airTempC, sourceTsMs: now }]);
    if ((tick + phase) % 60 === 0) link.apply([{ variable: 'compressorRunning', value: (tick + phase) % 120 === 0, sourceTsMs: now }]);
  }
}, 1_000);

process.once('SIGTERM', () => {
  clearInterval(timer);
  void Promise.allSettled(links.map(({ link }) => link.stop())).then(() => process.exit(0));
});
