/**
 * The time a gateway-generated reading about a device (port lost, session down) should
 * carry. Such readings have no device timestamp, and the wall clock is the wrong base
 * whenever a device's clock is not the gateway's — most visibly in an accelerated
 * simulation, where mixing the two makes the backend see hours of silence that never
 * happened. So: the device's last event time plus the wall time since it arrived. With a
 * time-synced device that equals the wall clock; before any event it is the wall clock.
 */
export class DeviceClock {
  private lastEventTs: number | undefined;
  private wallAtLastEvent = 0;

  constructor(private readonly wallNow: () => number) {}

  observe(eventTs: number): void {
    if (this.lastEventTs !== undefined && eventTs < this.lastEventTs) return;
    this.lastEventTs = eventTs;
    this.wallAtLastEvent = this.wallNow();
  }

  /** Whether the device has sent anything yet, i.e. whether its time base is known. */
  known(): boolean {
    return this.lastEventTs !== undefined;
  }

  now(): number {
    const wall = this.wallNow();
    return this.lastEventTs === undefined ? wall : this.lastEventTs + Math.max(0, wall - this.wallAtLastEvent);
  }
}
