import path from 'node:path';
import { startService as startTestService, type ReadyService, type ServiceProcess } from '@shelfwatch/test-support';

export type { ServiceProcess };

/**
 * Starts one ShelfWatch process the way production runs it (compiled, plain node) and
 * resolves once it is ready, so the demo never guesses with sleeps. Its logs go to
 * `<logDir>/<name>.log`, at the operator's LOG_LEVEL (info unless set).
 */
export function startService<S extends ReadyService>(service: S, configFile: string, logDir: string, name: string = service): Promise<ServiceProcess<S>> {
  return startTestService(service, configFile, { name, logFile: path.join(logDir, `${name}.log`), env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' } });
}
