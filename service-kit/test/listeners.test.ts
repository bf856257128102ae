import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Listeners } from '../src/listeners.js';

describe('Listeners', () => {
  it('tells every listener, even when one throws, and logs that one', () => {
    const logged: { msg: string; hook: string }[] = [];
    const hook = new Listeners<{ n: number }>(pino({}, { write: (l: string) => void logged.push(JSON.parse(l) as (typeof logged)[number]) }), 'commit');
    const heard: number[] = [];
    hook.subscribe(({ n }) => heard.push(n));
    hook.subscribe(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = hook.subscribe(({ n }) => heard.push(n * 10));
    hook.emit({ n: 1 });
    expect(heard).toEqual([1, 10]);
    expect(logged).toMatchObject([{ msg: 'commit listener failed', hook: 'commit' }]);
    unsubscribe();
    expect(hook.size).toBe(2);
    hook.emit({ n: 2 });
    expect(heard).toEqual([1, 10, 2]);
  });
});
