/**
 * `npm run token -w @shelfwatch/backend [-- --role staff --subject alice]`: prints a new
 * bearer token (256 random bits) and the config entry that stores only its hash. Give the
 * token to its user; put the entry in the backend config.
 */
import { parseArgs } from 'node:util';
import { newToken } from './token-policy.js';

const { values } = parseArgs({ options: { role: { type: 'string', default: 'staff' }, subject: { type: 'string', default: 'change-me' } } });
const { token, tokenHash } = newToken();
process.stdout.write(`${JSON.stringify({ token, tokenHash, configEntry: { tokenHash, role: values.role, subject: values.subject } }, null, 2)}\n`);
