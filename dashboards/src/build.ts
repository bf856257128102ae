import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderProvisioning } from './render.js';

/** Writes the dashboards' JSON and the provisioning YAML into dashboards/provisioning/. */
export const PROVISIONING_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../provisioning');

export async function writeProvisioning(dir: string = PROVISIONING_DIR): Promise<string[]> {
  const written: string[] = [];
  for (const [relative, content] of renderProvisioning()) {
    const file = path.join(dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    written.push(file);
  }
  return written;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const written = await writeProvisioning();
  for (const file of written) console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
