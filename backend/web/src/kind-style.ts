import type { CaseView, TaskKind, TaskSeverity } from '@shelfwatch/contracts';
import type { IconName } from './components/icon.js';

/** Label, icon and colour class per kind: every kind reads the same in text, shape and colour. */
export const KIND_STYLE: Record<TaskKind, { label: string; icon: IconName; cls: string }> = {
  out_of_stock: { label: 'Out of stock', icon: 'out_of_stock', cls: 'k-stock' },
  low_stock: { label: 'Low stock', icon: 'low_stock', cls: 'k-low' },
  verify_stock: { label: 'Check shelf', icon: 'verify_stock', cls: 'k-verify' },
  planogram_violation: { label: 'Planogram', icon: 'planogram_violation', cls: 'k-plano' },
  temperature_excursion: { label: 'Temperature', icon: 'temperature_excursion', cls: 'k-temp' },
  spoilage: { label: 'Spoilage', icon: 'spoilage', cls: 'k-spoil' },
  sensor_fault: { label: 'Sensor fault', icon: 'sensor_fault', cls: 'k-sensor' },
  delivery_receive: { label: 'Delivery', icon: 'delivery_receive', cls: 'k-delivery' },
  refrigeration_maintenance: { label: 'Refrigeration service', icon: 'cooling', cls: 'k-sensor' },
};

export const KIND_ORDER: TaskKind[] = [
  'temperature_excursion',
  'spoilage',
  'refrigeration_maintenance',
  'out_of_stock',
  'low_stock',
  'verify_stock',
  'planogram_violation',
  'delivery_receive',
  'sensor_fault',
];

export const SEVERITY_STYLE: Record<TaskSeverity, { label: string; icon: IconName; cls: string }> = {
  critical: { label: 'Critical', icon: 'critical', cls: 's-critical' },
  warning: { label: 'Warning', icon: 'warning', cls: 's-warning' },
  info: { label: 'Info', icon: 'info', cls: 's-info' },
};

type CaseState = CaseView['state'];

export const CASE_STATE_STYLE: Record<CaseState, { label: string; icon: IconName; cls: string }> = {
  cooling: { label: 'Cooling', icon: 'cooling', cls: 'c-cooling' },
  defrost: { label: 'Defrost', icon: 'defrost', cls: 'c-defrost' },
  door_open: { label: 'Door open', icon: 'door_open', cls: 'c-door' },
  alarm: { label: 'Alarm', icon: 'critical', cls: 'c-alarm' },
  offline: { label: 'Offline', icon: 'offline', cls: 'c-offline' },
  unknown: { label: 'No data yet', icon: 'unknown', cls: 'c-unknown' },
};
