/**
 * WHERE fragments for the template variables. Grafana renders a multi-value or "All"
 * variable inside /^...$/ as a regex alternation; allValue ".*" keeps "All" short.
 */
export const STORE = `"store" =~ /^$store$/`;
export const CASE = `"case" =~ /^$case$/`;
export const AISLE = `"aisle" =~ /^$aisle$/`;
export const TIME = '$timeFilter';
export const INTERVAL = 'time($__interval)';

export function where(...conditions: string[]): string {
  return `WHERE ${[...conditions, TIME].join(' AND ')}`;
}
