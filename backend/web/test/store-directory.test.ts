import type { Task } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import { mergeStores } from '../src/store-directory.js';

const t = (storeId: string, shelfId: string | undefined, aisle?: string) =>
  ({ storeId, location: { label: 'x', ...(shelfId ? { shelfId } : {}), ...(aisle ? { aisle } : {}) } }) as Task;

describe('store directory', () => {
  it('keeps the listed stores and adds shelves and stores only tasks mention', () => {
    const stores = mergeStores(
      [{ id: 's1', name: 'Store one', shelves: [{ id: '10a', aisle: '10' }] }],
      [t('s1', '2b', '2'), t('s1', '10a', '10'), t('s2', undefined)],
    );
    expect(stores).toEqual([
      { id: 's1', name: 'Store one', shelves: [{ id: '2b', aisle: '2' }, { id: '10a', aisle: '10' }] },
      { id: 's2', name: 's2', shelves: [] },
    ]);
  });

  it('derives everything from tasks when the backend has no store list', () => {
    expect(mergeStores(null, [t('s9', '1a', '1')])).toEqual([{ id: 's9', name: 's9', shelves: [{ id: '1a', aisle: '1' }] }]);
  });
});
