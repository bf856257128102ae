/** Wall clock, injected so pure logic and its tests never read Date.now() directly. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
