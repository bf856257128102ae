import { AddressSpace, DataTypeIds, generateAddressSpace, nodesets, resolveNodeId, StatusCodes, type UAVariable } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCaseController, type CaseControllerNodes } from '../src/opcua-address-space.js';
import { CASE_CONTROLLER_NAMESPACE, CASE_CONTROLLER_OBJECT, CASE_IDENTITY, CASE_VARIABLES, CaseVariable, caseNodeId } from '../src/opcua-layout.js';

describe('case-controller address space', () => {
  let addressSpace: AddressSpace;
  let nodes: CaseControllerNodes;
  /** Resolved from the namespace URI, as the gateway does. */
  let ns: number;
  /** The node id of a variable as the gateway builds it. */
  const gatewayNodeId = (browseName: string) => `ns=${ns};s=${caseNodeId(browseName)}`;

  beforeAll(async () => {
    addressSpace = AddressSpace.create();
    await generateAddressSpace(addressSpace, [nodesets.standard]);
    // Another namespace first, so a builder that assumed index 1 would be caught.
    addressSpace.registerNamespace('urn:other:vendor');
    nodes = addCaseController(addressSpace, { controllerId: 'ctrl-7', caseId: 'case-3' }, { historyValues: 10 });
    ns = addressSpace.getNamespaceArray().findIndex((n) => n.namespaceUri === CASE_CONTROLLER_NAMESPACE);
  });

  afterAll(() => addressSpace.dispose());

  const variableAt = (browseName: string): UAVariable => {
    const node = addressSpace.findNode(gatewayNodeId(browseName));
    if (!node) throw new Error(`no node ${gatewayNodeId(browseName)}`);
    return node as UAVariable;
  };

  it('serves the controller object under Objects at the layout node id', () => {
    const object = addressSpace.findNode(`ns=${ns};s=${CASE_CONTROLLER_OBJECT}`);
    expect(object?.browseName.name).toBe(CASE_CONTROLLER_OBJECT);
    expect(object?.nodeId.toString()).toBe(nodes.object.nodeId.toString());
    expect(addressSpace.rootFolder.objects.findReferencesAsObject('Organizes').map((n) => n.nodeId.toString())).toContain(nodes.object.nodeId.toString());
  });

  it('serves the identity as properties of the controller, with its values', () => {
    const properties = nodes.object.getProperties().map((p) => p.nodeId.toString());
    for (const [key, def] of Object.entries(CASE_IDENTITY)) {
      const node = variableAt(def.browseName);
      expect(node.browseName.name).toBe(def.browseName);
      expect(node.dataType.toString()).toBe(resolveNodeId(DataTypeIds.String).toString());
      expect(properties).toContain(node.nodeId.toString());
      expect(node.readValue().value.value).toBe(key === 'controllerId' ? 'ctrl-7' : 'case-3');
    }
  });

  it('serves every process variable as a component of the controller, with its data type and history', () => {
    const components = nodes.object.getComponents().map((c) => c.nodeId.toString());
    for (const variable of CaseVariable.options) {
      const def = CASE_VARIABLES[variable];
      const node = variableAt(def.browseName);
      expect(node.browseName.name).toBe(def.browseName);
      expect(node.dataType.toString()).toBe(resolveNodeId(DataTypeIds[def.dataType]).toString());
      expect(components).toContain(node.nodeId.toString());
      expect(node.historizing).toBe(true);
      expect(nodes.variables.get(variable)).toBe(node);
    }
  });

  it('sets a value with its source timestamp and status', () => {
    const at = new Date('2026-03-01T08:00:00Z');
    nodes.set('airTempC', 4.5, at);
    nodes.set('doorOpen', true, at, StatusCodes.UncertainLastUsableValue);
    const temp = variableAt(CASE_VARIABLES.airTempC.browseName).readValue();
    expect(temp.value.value).toBe(4.5);
    expect(temp.sourceTimestamp?.toISOString()).toBe(at.toISOString());
    const door = variableAt(CASE_VARIABLES.doorOpen.browseName).readValue();
    expect(door.value.value).toBe(true);
    expect(door.statusCode).toBe(StatusCodes.UncertainLastUsableValue);
  });
});
