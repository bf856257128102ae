import { DataType, StatusCodes, Variant, type AddressSpace, type StatusCode, type UAObject, type UAVariable } from 'node-opcua';
import { CASE_CONTROLLER_NAMESPACE, CASE_CONTROLLER_OBJECT, CASE_IDENTITY, CASE_VARIABLES, CaseVariable, caseNodeId } from './opcua-layout.js';

/**
 * The server side of the case-controller layout (opcua-layout.ts), for node-opcua servers:
 * the simulator's controllers and the gateway's test controllers build it here, so both
 * serve exactly the node ids the gateway reads. A separate entry point
 * (`@shelfwatch/contracts/opcua-address-space`) so the contracts' main entry never loads node-opcua.
 *
 * OPC UA modelling: the identity strings describe the controller, so they are properties
 * (HasProperty, PropertyType); the process values are its data variables (HasComponent,
 * BaseDataVariableType), as in the OPC UA Device Integration model. Clients read both by node id.
 */

export interface CaseControllerIdentity {
  controllerId: string;
  caseId: string;
}

export interface CaseControllerOptions {
  /** When given, each process variable keeps this many values for HistoryRead (the controller's log). */
  historyValues?: number;
}

export interface CaseControllerNodes {
  object: UAObject;
  variables: ReadonlyMap<CaseVariable, UAVariable>;
  /** Sets a process value with the time it was measured as its source timestamp. */
  set(variable: CaseVariable, value: number | boolean, sourceTimestamp: Date, status?: StatusCode): void;
}

/** Adds the case controller (namespace, object, identity and process variables) to a server's address space. */
export function addCaseController(addressSpace: AddressSpace, identity: CaseControllerIdentity, options: CaseControllerOptions = {}): CaseControllerNodes {
  const ns = addressSpace.registerNamespace(CASE_CONTROLLER_NAMESPACE);
  const object = ns.addObject({
    organizedBy: addressSpace.rootFolder.objects,
    browseName: CASE_CONTROLLER_OBJECT,
    nodeId: `s=${CASE_CONTROLLER_OBJECT}`,
  });
  for (const key of ['controllerId', 'caseId'] as const) {
    const { browseName, dataType } = CASE_IDENTITY[key];
    ns.addVariable({
      propertyOf: object,
      browseName,
      nodeId: `s=${caseNodeId(browseName)}`,
      dataType,
      value: { dataType: DataType.String, value: identity[key] },
    });
  }
  const variables = new Map<CaseVariable, UAVariable>();
  for (const variable of CaseVariable.options) {
    const { browseName, dataType } = CASE_VARIABLES[variable];
    const node = ns.addVariable({
      componentOf: object,
      browseName,
      nodeId: `s=${caseNodeId(browseName)}`,
      dataType,
      // 0: report every change (exception-based), so quick successive values all reach subscribers.
      minimumSamplingInterval: 0,
    });
    if (options.historyValues !== undefined) addressSpace.installHistoricalDataNode(node, { maxOnlineValues: options.historyValues });
    variables.set(variable, node);
  }
  return {
    object,
    variables,
    set(variable, value, sourceTimestamp, status = StatusCodes.Good) {
      const dataType = CASE_VARIABLES[variable].dataType === 'Double' ? DataType.Double : DataType.Boolean;
      variables.get(variable)!.setValueFromSource(new Variant({ dataType, value }), status, sourceTimestamp);
    },
  };
}
