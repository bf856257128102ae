import type { Task } from '@shelfwatch/contracts';
import type { StoreInfo } from './api-client.js';

/**
 * Stores and shelves the views can offer. The backend's store list is authoritative;
 * tasks fill in what it leaves out (or everything, for a backend without the list).
 */
export function mergeStores(listed: readonly StoreInfo[] | null, tasks: Iterable<Task>): StoreInfo[] {
  const byId = new Map<string, StoreInfo>();
  for (const s of listed ?? []) byId.set(s.id, { ...s, shelves: [...s.shelves] });
  for (const t of tasks) {
    let store = byId.get(t.storeId);
    if (store === undefined) {
      store = { id: t.storeId, name: t.storeId, shelves: [] };
      byId.set(t.storeId, store);
    }
    const shelfId = t.location.shelfId;
    if (shelfId !== undefined && !store.shelves.some((s) => s.id === shelfId)) {
      store.shelves.push({ id: shelfId, aisle: t.location.aisle ?? null });
    }
  }
  for (const s of byId.values()) {
    s.shelves.sort((a, b) => (a.aisle ?? '').localeCompare(b.aisle ?? '', undefined, { numeric: true }) || a.id.localeCompare(b.id, undefined, { numeric: true }));
  }
  return [...byId.values()];
}
