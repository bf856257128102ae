import { describe, expect, it } from 'vitest';
import { isRetryableStatus } from '../src/retry.js';

describe('isRetryableStatus', () => {
  it('retries refusals of everyone, throttling and server failures', () => {
    for (const status of [401, 403, 404, 408, 429, 500, 502, 503, 504]) expect(isRetryableStatus(status), String(status)).toBe(true);
  });

  it('gives up on refusals of the batch itself', () => {
    for (const status of [400, 409, 413, 415, 422]) expect(isRetryableStatus(status), String(status)).toBe(false);
  });
});
