import type { TaskKind } from '@shelfwatch/contracts';
import { KIND_ORDER, KIND_STYLE } from '../kind-style.js';
import { Icon } from './icon.js';

export interface KindFilterProps {
  selected: ReadonlySet<TaskKind> | null;
  counts: ReadonlyMap<TaskKind, number>;
  onChange: (next: ReadonlySet<TaskKind> | null) => void;
}

/** Toggle chips; "All" clears the filter. Kinds with no open task are still offered (count 0). */
export function KindFilter({ selected, counts, onChange }: KindFilterProps) {
  const toggle = (kind: TaskKind) => {
    const next = new Set(selected ?? []);
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    onChange(next.size === 0 ? null : next);
  };
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return (
    <div class="filters" role="group" aria-label="Filter tasks by kind">
      <button type="button" class="chip" aria-pressed={selected === null} onClick={() => onChange(null)}>
        All <span class="count">{total}</span>
      </button>
      {KIND_ORDER.map((kind) => {
        const style = KIND_STYLE[kind];
        return (
          <button
            key={kind}
            type="button"
            class={`chip ${style.cls}`}
            aria-pressed={selected?.has(kind) ?? false}
            onClick={() => toggle(kind)}
            data-kind={kind}
          >
            <Icon name={style.icon} size={20} />
            {style.label} <span class="count">{counts.get(kind) ?? 0}</span>
          </button>
        );
      })}
    </div>
  );
}
