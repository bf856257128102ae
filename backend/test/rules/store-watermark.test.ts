import { describe, expect, it } from 'vitest';
import { StoreWatermark } from '../../src/rules/store-watermark.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 6, 0, 0);
const at = (m: number) => T0 + m * MIN;
const WINDOW = 10 * MIN;
const CATCH_UP = 60 * MIN;

describe('store watermark: how far a store’s event time is settled', () => {
  it('settles up to the device that has reported least far', () => {
    const w = new StoreWatermark(['board', 'camera'], WINDOW, CATCH_UP);
    w.observe('board', at(0));
    w.observe('camera', at(0));
    w.observe('board', at(3));
    expect(w.advance()).toBe(at(0));
    w.observe('camera', at(2));
    expect(w.advance()).toBe(at(2));
  });

  it('waits for a silent device (dead without a last will, or a controller with nothing new) at most the reordering window', () => {
    const w = new StoreWatermark(['board', 'controller'], WINDOW, CATCH_UP);
    w.observe('controller', at(0));
    w.observe('board', at(5));
    expect(w.advance()).toBe(at(0));
    w.observe('board', at(25));
    expect(w.advance()).toBe(at(15));
  });

  it('does not wait for a device the gateway reports offline, and waits again once it talks', () => {
    const w = new StoreWatermark(['board', 'probe'], WINDOW, CATCH_UP);
    w.observe('probe', at(0));
    w.observe('board', at(4));
    expect(w.advance()).toBe(at(0));
    w.observe('probe', at(1), false);
    expect(w.advance()).toBe(at(4));
    w.observe('probe', at(6));
    w.observe('board', at(9));
    expect(w.advance()).toBe(at(6));
  });

  it('during a store outage waits for devices reported offline too, up to the window: their return may come by a slower path', () => {
    const w = new StoreWatermark(['board', 'camera'], WINDOW, CATCH_UP);
    w.observe('board', at(0));
    w.observe('camera', at(0));
    w.observe('camera', at(1), false);
    w.observe('board', at(1), false);
    w.waitForOffline(true);
    // The board is back first; the camera's return is still on its way.
    w.observe('board', at(50));
    expect(w.advance()).toBe(at(40));
    expect(w.isLate(at(45))).toBe(false);
    w.observe('camera', at(45), true);
    w.observe('camera', at(45));
    expect(w.advance()).toBe(at(45));
    // Outside an outage an offline device is not waited for.
    w.waitForOffline(false);
    w.observe('camera', at(46), false);
    w.observe('board', at(52));
    expect(w.advance()).toBe(at(52));
  });

  it('waits up to a window for devices of the layout not heard yet', () => {
    const w = new StoreWatermark(['board', 'camera'], WINDOW, CATCH_UP);
    w.observe('board', at(20));
    expect(w.advance()).toBe(at(10));
    // A camera reading older than the first one still counts: it is within the window.
    expect(w.isLate(at(15))).toBe(false);
    w.observe('camera', at(15));
    expect(w.advance()).toBe(at(15));
  });

  it('calls a reading late when it comes after its time was settled, and never moves back', () => {
    const w = new StoreWatermark(['board', 'camera'], WINDOW, CATCH_UP);
    w.observe('board', at(0));
    w.observe('camera', at(0));
    w.observe('board', at(30));
    expect(w.advance()).toBe(at(20));
    expect(w.isLate(at(12))).toBe(true);
    w.observe('camera', at(12));
    expect(w.advance()).toBe(at(20));
  });

  it('takes no store time from a status: one dated by a clock far ahead (the gateway’s, in a simulation) settles nothing', () => {
    const w = new StoreWatermark(['board', 'controller'], WINDOW, CATCH_UP);
    w.observe('board', at(0));
    w.observe('controller', at(0));
    w.observe('controller', at(600), false);
    expect(w.advance()).toBe(at(0));
    // Reported offline, the controller is not waited for; the board alone moves the store.
    w.observe('board', at(5));
    expect(w.advance()).toBe(at(5));
  });

  it('ignores devices that are not the store’s', () => {
    const w = new StoreWatermark(['board'], WINDOW, CATCH_UP);
    w.observe('board', at(5));
    w.observe('stranger', at(0));
    expect(w.advance()).toBe(at(5));
  });
});

describe('store watermark after a gateway restart: catching up', () => {
  it('waits for every device heard before the restart, however far the others’ backlogs have moved the store', () => {
    const w = new StoreWatermark(['board', 'camera'], WINDOW, CATCH_UP);
    w.observe('board', at(30));
    w.observe('camera', at(30));
    w.restarted(at(30));
    // The board flushes 25 minutes of held frames in milliseconds; the camera's queue comes after.
    for (let m = 31; m <= 55; m++) w.observe('board', at(m));
    expect(w.advance()).toBe(at(30));
    expect(w.isLate(at(31))).toBe(false);
    w.observe('camera', at(31));
    expect(w.advance()).toBe(at(31));
    w.observe('camera', at(55));
    expect(w.advance()).toBe(at(55));
  });

  it('takes no store time from the restart statement itself', () => {
    const w = new StoreWatermark(['board'], WINDOW, CATCH_UP);
    w.observe('board', at(5));
    w.restarted(at(50));
    expect(w.advance()).toBe(at(5));
  });

  it('does not wait for a device the gateway reports offline meanwhile', () => {
    const w = new StoreWatermark(['board', 'camera'], WINDOW, CATCH_UP);
    w.observe('board', at(30));
    w.observe('camera', at(30));
    w.restarted(at(30));
    w.observe('board', at(55));
    w.observe('camera', at(30), false);
    expect(w.advance()).toBe(at(55));
  });

  it('waits for a device that died meanwhile only until the store is the catch-up horizon past the restart, then as before', () => {
    const w = new StoreWatermark(['board', 'camera'], WINDOW, CATCH_UP);
    w.observe('board', at(30));
    w.observe('camera', at(30));
    w.restarted(at(30));
    w.observe('board', at(90));
    expect(w.advance()).toBe(at(30));
    w.observe('board', at(91));
    expect(w.advance()).toBe(at(81));
    w.observe('board', at(120));
    expect(w.advance()).toBe(at(110));
  });

  it('waits no longer than the window for a device it had never heard', () => {
    const w = new StoreWatermark(['board', 'camera'], WINDOW, CATCH_UP);
    w.observe('board', at(30));
    w.restarted(at(30));
    w.observe('board', at(55));
    expect(w.advance()).toBe(at(45));
  });

  it('a second restart during the catch-up extends it from its own time', () => {
    const w = new StoreWatermark(['board', 'camera'], WINDOW, CATCH_UP);
    w.observe('board', at(30));
    w.observe('camera', at(30));
    w.restarted(at(30));
    w.observe('board', at(50));
    w.restarted(at(50));
    w.observe('board', at(100));
    expect(w.advance()).toBe(at(30));
    w.observe('board', at(111));
    expect(w.advance()).toBe(at(101));
  });
});
