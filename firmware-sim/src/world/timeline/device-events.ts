import { countUp, type TimelineHandlers } from './types.js';

/** Devices misbehaving or losing their link; the firmware and transports act on these flags. */
export const DEVICE_EVENTS: TimelineHandlers<
  'controller_offline' | 'board_disconnect' | 'board_corrupt_frames' | 'board_drop_frames' | 'device_silent' | 'camera_offline' | 'camera_coverage'
> = {
  controller_offline: (world, event, at) => {
    let undo = () => {};
    world.fault(event, at, event.controllerId, {}, () => (undo = countUp(world.controllerOffline, event.controllerId)), () => undo());
  },
  board_disconnect: (world, event, at) => {
    const f = world.boardFaults.get(event.boardId)!;
    world.fault(event, at, event.boardId, {}, () => f.disconnected++, () => f.disconnected--);
  },
  board_corrupt_frames: (world, event, at) => {
    const f = world.boardFaults.get(event.boardId)!;
    world.fault(event, at, event.boardId, { rate: event.rate }, () => (f.corruptRate = event.rate), () => (f.corruptRate = 0));
  },
  board_drop_frames: (world, event, at) => {
    const f = world.boardFaults.get(event.boardId)!;
    world.fault(event, at, event.boardId, { rate: event.rate }, () => (f.dropRate = event.rate), () => (f.dropRate = 0));
  },
  device_silent: (world, event, at) => {
    let undo = () => {};
    world.fault(event, at, event.deviceId, {}, () => (undo = countUp(world.silent, event.deviceId)), () => undo());
  },
  camera_offline: (world, event, at) => {
    let undo = () => {};
    world.fault(event, at, event.cameraId, {}, () => (undo = countUp(world.cameraOffline, event.cameraId)), () => undo());
  },
  camera_coverage: (world, event, at) => {
    // Not a device fault: the camera works, it just no longer sees these slots.
    const hidden = world.cameraHidden.get(event.cameraId) ?? new Map<string, number>();
    world.cameraHidden.set(event.cameraId, hidden);
    const undos: (() => void)[] = [];
    const record = (atMs: number) => {
      for (const slotId of event.slotIds) world.truth.cameraCoverage(event.cameraId, slotId, !world.cameraSees(event.cameraId, slotId), atMs);
    };
    world.during(
      event,
      at,
      () => {
        for (const slotId of event.slotIds) undos.push(countUp(hidden, slotId));
        record(at);
      },
      (endAt) => {
        for (const undo of undos.splice(0)) undo();
        record(endAt);
      },
    );
  },
};
