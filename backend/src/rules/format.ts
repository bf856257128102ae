export const MIN = 60_000;

export function fmtC(v: number): string {
  return `${(Math.round(v * 10) / 10).toFixed(1)} °C`;
}

export function fmtLimit(v: number): string {
  return `${Number.isInteger(v) ? v : v.toFixed(1)} °C`;
}

export function fmtDuration(ms: number): string {
  const min = Math.max(0, Math.round(ms / MIN));
  if (min < 90) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export function fmtTime(ts: number): string {
  return new Date(ts).toISOString().slice(11, 16) + ' UTC';
}
