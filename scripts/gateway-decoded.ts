import type { Reading, StoreLayout } from '@shelfwatch/contracts';
import type { StepOutput } from '@shelfwatch/firmware-sim';
import { BoardDecoder, buildStoreContext, caseValueToReading, mapMessage } from '@shelfwatch/gateway';

/**
 * The simulator's device output turned into readings by the gateway's own code (BoardDecoder:
 * calibration and debouncing; mapMessage; caseValueToReading), without transports: what a
 * store's gateway stores, for figures that need a whole store's real readings fast (the
 * bench's peak-hour forwarding, the InfluxDB capacity script).
 */
export function gatewayDecoder(layout: StoreLayout): (out: StepOutput) => Reading[] {
  const store = buildStoreContext(layout, {});
  const decoders = new Map(
    layout.shelves.map((shelf) => [shelf.boardId, new BoardDecoder({ storeId: store.storeId, boardId: shelf.boardId, shelf, products: store.productsBySku, calibrationOf: () => undefined })]),
  );
  return (out) => {
    const readings: Reading[] = [];
    for (const { boardId, output } of out.boards) if (output.kind !== 'dropped') readings.push(...decoders.get(boardId)!.decode(output.line).readings);
    for (const { cameraId, message } of out.scans) readings.push(...mapMessage(store, cameraId, 'camera', 'scan', JSON.stringify(message)).readings);
    for (const { probeId, message } of out.probes) readings.push(...mapMessage(store, probeId, 'probe', 'probe', JSON.stringify(message)).readings);
    for (const { controllerId, changes } of out.controllers) {
      const caseId = store.casesByController.get(controllerId)!.id;
      for (const c of changes) {
        const outcome = caseValueToReading({ storeId: store.storeId, controllerId, caseId, variable: c.variable, value: c.value, statusGood: true, tsMs: c.sourceTsMs });
        if (outcome.ok) readings.push(outcome.reading);
      }
    }
    return readings;
  };
}
