import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { MEASUREMENTS } from '@shelfwatch/contracts';
import { DATASOURCE_REF } from './datasource.js';

function tagVariable(name: string, label: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource({ ...DATASOURCE_REF })
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] });
}

/** Variable queries, by name: the tests run them too. */
export const VARIABLE_QUERIES = {
  // Every measurement carries store; device_status alone would lose a store whose devices never reconnect.
  store: `SHOW TAG VALUES WITH KEY = "store"`,
  case: `SHOW TAG VALUES FROM "${MEASUREMENTS.caseController}" WITH KEY = "case" WHERE "store" =~ /^$store$/`,
  aisle: `SHOW TAG VALUES FROM "${MEASUREMENTS.kpiAvailability}" WITH KEY = "aisle" WHERE "store" =~ /^$store$/`,
} as const;

export const storeVariable = () => tagVariable('store', 'Store', VARIABLE_QUERIES.store);
export const caseVariable = () => tagVariable('case', 'Case', VARIABLE_QUERIES.case);
export const aisleVariable = () => tagVariable('aisle', 'Aisle', VARIABLE_QUERIES.aisle);
