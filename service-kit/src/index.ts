export * from './backoff.js';
export * from './bearer.js';
export * from './clock.js';
export * from './http-error.js';
export * from './listeners.js';
export * from './retry.js';
export * from './run-main.js';
export * from './worker.js';
