import type { CaseVariable } from '@shelfwatch/contracts';
import { HistoryData, type ClientSession, type DataValue } from 'node-opcua';

export interface HistoryRequest {
  variable: CaseVariable;
  nodeId: string;
  /** Source time of the last value already taken; undefined = everything the controller kept. */
  sinceMs: number | undefined;
}

export interface LoggedValue {
  variable: CaseVariable;
  dataValue: DataValue;
}

/** The latest time OPC UA can express; with it a raw history read runs to the newest value. */
const END_OF_TIME = new Date(Date.UTC(9999, 11, 31));

/**
 * The values a controller logged after `sinceMs` (HistoryRead, raw), oldest first. A
 * subscription only reports what a variable holds when it is made, so the values a
 * controller set between its reboot (or the gateway's) and the new subscription exist only
 * in its log. A controller that keeps no history answers with a bad status: nothing to add.
 */
export async function readLoggedValues(session: ClientSession, requests: HistoryRequest[]): Promise<LoggedValue[]> {
  const out: LoggedValue[] = [];
  for (const r of requests) {
    const start = new Date(r.sinceMs === undefined ? 0 : r.sinceMs + 1);
    const result = await session.readHistoryValue({ nodeId: r.nodeId }, start, END_OF_TIME);
    if (!result.statusCode.isGood() || !(result.historyData instanceof HistoryData)) continue;
    for (const dataValue of result.historyData.dataValues ?? []) out.push({ variable: r.variable, dataValue });
  }
  return out.sort((a, b) => (a.dataValue.sourceTimestamp?.getTime() ?? 0) - (b.dataValue.sourceTimestamp?.getTime() ?? 0));
}
