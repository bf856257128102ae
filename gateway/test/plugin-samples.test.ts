import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIssues } from '@shelfwatch/service-kit';
import { describe, expect, it } from 'vitest';
import { PLUGIN_SECTIONS } from '../src/plugin-config.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

/** Every sample*.json in the plugin folders (inputs/<name>/, sinks/<name>/). */
const samples = ['inputs', 'sinks'].flatMap((kind) =>
  readdirSync(path.join(SRC, kind), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(path.join(SRC, kind, d.name)).filter((f) => /^sample.*\.json$/.test(f)).map((f) => `${kind}/${d.name}/${f}`)),
);

describe('plugin sample configurations', () => {
  it('every plugin section has a sample', () => {
    const sampled = new Set(samples.flatMap((file) => Object.keys(JSON.parse(readFileSync(path.join(SRC, file), 'utf8')) as object)));
    expect([...sampled].sort()).toEqual(Object.keys(PLUGIN_SECTIONS).sort());
  });

  it.each(samples)('%s is one section its plugin accepts as it stands', (file) => {
    const sample = JSON.parse(readFileSync(path.join(SRC, file), 'utf8')) as Record<string, unknown>;
    const sections = Object.keys(sample);
    expect(sections).toHaveLength(1);
    const section = sections[0] as keyof typeof PLUGIN_SECTIONS;
    expect(Object.keys(PLUGIN_SECTIONS)).toContain(section);
    const parsed = PLUGIN_SECTIONS[section].safeParse(sample[section]);
    expect(parsed.success ? [] : formatIssues(parsed.error)).toEqual([]);
  });
});
