import type { ConnectionStatus } from '../live-feed.js';
import { Icon } from './icon.js';

const TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

/** Always visible: staff must know when the feed may be stale. */
export function ConnectionBadge({ status }: { status: ConnectionStatus }) {
  return (
    <p class={`conn conn-${status}`} role="status" data-testid="connection" data-status={status}>
      <Icon name={status === 'live' ? 'live' : 'reconnecting'} size={20} />
      <span>{TEXT[status]}</span>
    </p>
  );
}
