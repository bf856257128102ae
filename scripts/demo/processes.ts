import { createWriteStream } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { spawnService, type ManagedProcess, type ServiceName } from '@shelfwatch/test-support';

export interface ServiceProcess {
  name: string;
  proc: ManagedProcess;
  ready: Record<string, unknown>;
  logFile: string;
}

/**
 * Starts one ShelfWatch process (`--config <file>`, compiled, plain node) the way production
 * runs it, sends its JSON logs to a file, and resolves with its `{"event":"ready",...}`
 * line, so the demo never guesses with sleeps.
 */
export async function startService(service: ServiceName, configFile: string, logDir: string, name: string = service): Promise<ServiceProcess> {
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const proc = spawnService(service, ['--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
  });
  proc.child.stderr?.pipe(log);
  const lines = readline.createInterface({ input: proc.child.stdout! });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const onExit = () => reject(new Error(`${name} exited before it was ready; see ${logFile}\n${proc.output().slice(-3000)}`));
    void proc.exited.then(onExit);
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      if (!line.includes('"ready"')) return;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.event === 'ready') resolve(parsed);
      } catch {
        // a log line that merely mentions "ready"
      }
    });
  });
  return { name, proc, ready, logFile };
}
