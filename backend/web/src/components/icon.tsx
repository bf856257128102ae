/**
 * Inline SVG icons: handhelds may lack emoji fonts, and an icon drawn with currentColor
 * keeps the text's contrast. Always paired with visible text, so they are aria-hidden.
 */
const PATHS = {
  out_of_stock: ['M3 7l9-4 9 4v10l-9 4-9-4z', 'M3 7l9 4 9-4', 'M12 11v10', 'M2 2l20 20'],
  low_stock: ['M4 21h16', 'M6 21V8', 'M11 21v-7', 'M16 21v-3'],
  verify_stock: ['M11 4a7 7 0 1 0 0 14a7 7 0 1 0 0-14', 'M21 21l-5-5', 'M9.5 9a1.5 1.5 0 1 1 2 1.4c-.5.2-.5.6-.5 1.1', 'M11 14h.01'],
  planogram_violation: ['M3 3h18v18H3z', 'M3 12h18', 'M12 3v18', 'M14.5 14.5l4 4', 'M18.5 14.5l-4 4'],
  temperature_excursion: ['M14 14.76V3.5a2.5 2.5 0 0 0-5 0v11.26a4.5 4.5 0 1 0 5 0z', 'M11.5 9v7'],
  spoilage: ['M3 6h18', 'M8 6V4h8v2', 'M19 6l-1 14H6L5 6', 'M10 11v5', 'M14 11v5'],
  sensor_fault: ['M13 2L3 14h9l-1 8 10-12h-9l1-8z'],
  delivery_receive: ['M1 4h14v12H1z', 'M15 8h4l3 3v5h-7z', 'M5.5 16a2 2 0 1 0 0 4a2 2 0 1 0 0-4', 'M18.5 16a2 2 0 1 0 0 4a2 2 0 1 0 0-4'],
  critical: ['M7.86 2h8.28L22 7.86v8.28L16.14 22H7.86L2 16.14V7.86z', 'M12 7v6', 'M12 16.5h.01'],
  warning: ['M10.29 3.86L1.82 18a2 2 0 0 0 1.71 3h16.94a2 2 0 0 0 1.71-3L13.71 3.86a2 2 0 0 0-3.42 0z', 'M12 9v4', 'M12 17h.01'],
  info: ['M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20', 'M12 16v-5', 'M12 7.5h.01'],
  cooling: ['M12 2v20', 'M4.5 6.5l15 11', 'M19.5 6.5l-15 11', 'M9 3.5l3 2 3-2', 'M9 20.5l3-2 3 2'],
  defrost: ['M12 3c3 4 6 7 6 11a6 6 0 0 1-12 0c0-4 3-7 6-11z'],
  door_open: ['M4 21h16', 'M6 21V3h9v18', 'M15 5l4 2v14', 'M12 12h.01'],
  offline: ['M2 2l20 20', 'M8.5 16.5a5 5 0 0 1 7 0', 'M5 12.5a10 10 0 0 1 5-2.7', 'M12 20h.01'],
  unknown: ['M9.1 9a3 3 0 0 1 5.8 1c0 2-3 3-3 3', 'M12 17h.01'],
  live: ['M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6', 'M5.6 5.6a9 9 0 0 0 0 12.8', 'M18.4 18.4a9 9 0 0 0 0-12.8'],
  reconnecting: ['M21 12a9 9 0 1 1-3-6.7', 'M21 3v6h-6'],
  check: ['M20 6L9 17l-5-5'],
  hand: ['M18 11V6a2 2 0 0 0-4 0v5', 'M14 10V4a2 2 0 0 0-4 0v6', 'M10 10.5V6a2 2 0 0 0-4 0v8a8 8 0 0 0 16 0v-3a2 2 0 0 0-4 0'],
  up: ['M12 19V5', 'M5 12l7-7 7 7'],
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 24 }: { name: IconName; size?: number }) {
  return (
    <svg
      class="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2.25"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
