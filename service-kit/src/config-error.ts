import type { z } from 'zod';

/**
 * A configuration a service cannot start with. It carries every problem at once, one line
 * each, led by the path of the setting ("tokens[0].token: ..."); the services print the
 * message without a stack trace and exit with code 2.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly issues: string[],
    /** A closing line on how to fix it, printed after the issues. */
    hint?: string,
  ) {
    super(`${message}\n${issues.map((i) => `  - ${i}`).join('\n')}${hint ? `\n${hint}` : ''}`);
  }
}

/** The exit code of a service refusing its configuration (1 stays for failures at run time). */
export const CONFIG_ERROR_EXIT_CODE = 2;

/** "tokens[0].token", as a reader of the file would point at it. */
export function configPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}${out ? '.' : ''}${String(key)}`), '') || '(root)';
}

/** One readable line per zod issue: "mqtt.port: Too big: expected number to be <=65535". */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${configPath(issue.path)}: ${issue.message}`);
}
