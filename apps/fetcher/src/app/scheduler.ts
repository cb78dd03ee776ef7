import { createEvent } from '@cw-hudu-sync/contracts';
import { dueSlots, type ScheduledSlot } from '@cw-hudu-sync/fetching';
import type { IntegrationStore, ScheduleSlot, ScheduleStore } from '@cw-hudu-sync/integrations';
import type { Logger } from '@cw-hudu-sync/logging';
import type { EventPublisher } from '@cw-hudu-sync/messaging';

export interface SchedulerSettings {
  integrations: Pick<IntegrationStore, 'continuousSyncSettings'>;
  schedule: ScheduleStore;
  publisher: Pick<EventPublisher, 'publish'>;
  logger: Logger;
  /** `host:pid`, recorded with each claim. */
  replica: string;
  /** How often the schedule is looked at (default 1 s). */
  tickMs?: number;
  /** A claimed slot still unpublished after this long is taken over by another replica (default 30 s). */
  orphanAfterMs?: number;
  now?: () => number;
}

/**
 * The continuous-sync scheduler. It runs in every fetcher replica: each tick it computes, for every
 * integration with continuous sync on, the current poll and reconcile slots (the same ids in every
 * replica), claims each new slot with an insert-only document, and only the replica whose claim wins
 * publishes the slot's SyncRequested (keyed by integration id, like every command). A claim that was
 * never published (the claimer died, or Kafka was down) is taken over once by another replica.
 */
export class SyncScheduler {
  private readonly tickMs: number;
  private readonly orphanAfterMs: number;
  private readonly now: () => number;
  /** Slot ids this replica already tried (won or lost): saves a database round trip per tick. */
  private readonly seen = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly settings: SchedulerSettings) {
    this.tickMs = settings.tickMs ?? 1_000;
    this.orphanAfterMs = settings.orphanAfterMs ?? 30_000;
    this.now = settings.now ?? Date.now;
  }

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.settings.logger.warn({ err: error }, 'scheduler tick failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.tickMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One look at the schedule: claims and publishes what fell due; returns the slots this replica emitted. */
  async tick(): Promise<ScheduledSlot[]> {
    const now = this.now();
    const emitted: ScheduledSlot[] = [];
    const integrations = await this.settings.integrations.continuousSyncSettings();
    for (const { id, continuousSync } of integrations) {
      for (const slot of dueSlots(id, continuousSync, now)) {
        const key = `${id}:${slot.kind}`;
        if (this.seen.get(key) === slot.id) continue;
        const won = await this.settings.schedule.claim(
          toStored(id, slot),
          this.settings.replica,
          new Date(now),
        );
        this.seen.set(key, slot.id);
        if (!won) continue;
        try {
          await this.publish(id, slot);
          emitted.push(slot);
        } catch (error) {
          // Claimed but not in Kafka: another replica takes the slot over after orphanAfterMs.
          this.settings.logger.warn(
            { err: error, integrationId: id, slotId: slot.id },
            'scheduled sync could not be requested',
          );
        }
      }
    }
    await this.takeOverOrphans(now);
    return emitted;
  }

  private async publish(integrationId: string, slot: ScheduledSlot | ScheduleSlot): Promise<void> {
    const slotAt = typeof slot.slotAt === 'number' ? slot.slotAt : slot.slotAt.getTime();
    const mode = slot.kind === 'reconcile' ? 'full' : 'incremental';
    await this.settings.publisher.publish(
      createEvent(
        'SyncRequested',
        { integrationId, runId: slot.runId },
        {
          mode,
          force: false,
          requestedBy: 'scheduler',
          schedule: { kind: slot.kind, slotId: slot.id, slotAt: new Date(slotAt).toISOString() },
        },
      ),
    );
    await this.settings.schedule.markPublished(slot.id);
    this.settings.logger.info(
      { integrationId, kind: slot.kind, slotId: slot.id, runId: slot.runId, mode },
      'scheduled sync requested',
    );
  }

  private async takeOverOrphans(now: number): Promise<void> {
    const orphans = await this.settings.schedule.orphans(new Date(now - this.orphanAfterMs));
    for (const orphan of orphans) {
      if (!(await this.settings.schedule.takeOver(orphan.id, this.settings.replica))) continue;
      this.settings.logger.warn(
        { integrationId: orphan.integrationId, slotId: orphan.id, claimedBy: orphan.claimedBy },
        'scheduled slot claimed but never published: taking it over',
      );
      await this.publish(orphan.integrationId, orphan);
    }
  }
}

function toStored(integrationId: string, slot: ScheduledSlot): ScheduleSlot {
  return {
    id: slot.id,
    integrationId,
    kind: slot.kind,
    slotAt: new Date(slot.slotAt),
    nextAt: new Date(slot.nextAt),
    runId: slot.runId,
  };
}
