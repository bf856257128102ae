import { describe, expect, it } from 'vitest';
import { DeviceClock } from '../../src/inputs/device-clock.js';

describe('DeviceClock', () => {
  it('is the wall clock before the device has sent anything', () => {
    expect(new DeviceClock(() => 5_000).now()).toBe(5_000);
  });

  it('follows the device time base, advanced by wall time since its last event', () => {
    let wall = 1_000_000;
    const clock = new DeviceClock(() => wall);
    clock.observe(42_000);
    wall += 1_500;
    expect(clock.now()).toBe(43_500);
    clock.observe(41_000); // an older, late event does not move it back
    expect(clock.now()).toBe(43_500);
  });
});
