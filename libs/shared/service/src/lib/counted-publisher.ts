import type { Envelope } from '@cw-hudu-sync/contracts';
import { EventPublisher } from '@cw-hudu-sync/messaging';

/**
 * The platform's publisher: an EventPublisher that, once a batch is acknowledged, tells `onPublished`
 * which events went out (for the per-type, per-integration metrics). Apps use it as an EventPublisher.
 */
export class CountedPublisher extends EventPublisher {
  private onPublished: (events: readonly Envelope[]) => void = () => undefined;

  /** Sets who hears about published events (the platform's metrics). */
  observe(listener: (events: readonly Envelope[]) => void) {
    this.onPublished = listener;
  }

  override async publish(...args: Parameters<EventPublisher['publish']>): Promise<void> {
    await super.publish(...args);
    const [events] = args;
    try {
      this.onPublished(Array.isArray(events) ? events : [events]);
    } catch {
      // counting must never fail a publish that succeeded
    }
  }
}
