import type { Connection } from 'mongoose';
import type {
  ContinuousSyncSettings,
  RunStore,
  RunView,
  ScheduleSlotView,
  ScheduleStore,
} from '@cw-hudu-sync/integrations';

/** Callback health of one integration as the admin sees it (written by the fetcher's callback side). */
export interface CallbackHealthView {
  /** Whether callbacks are registered in the integration's Manage right now. */
  registered: boolean;
  registeredAt?: string;
  /** The Manage callback ids the fetcher registered. */
  callbackIds: number[];
  lastReceivedAt?: string;
  lastProcessedAt?: string;
  /** Callbacks rejected (unsigned, forged, bad token) for this integration. */
  rejected: number;
  /** Accepted callbacks by what came of them (fetched, removed, unchanged, skipped, failed). */
  processed: Record<string, number>;
  lastError?: string;
  lastErrorAt?: string;
}

/**
 * Extension point: where callback health comes from. The default reads the documents the fetcher's
 * callback side writes (`fetcher_callback_registrations`, `fetcher_callback_health`, and one document per
 * rejection in `fetcher_callback_rejections`); an admin deployed without access to them passes another.
 */
export type CallbackHealthSource = (integrationId: string) => Promise<CallbackHealthView | undefined>;

interface RegistrationDocument {
  _id: string;
  enabled?: boolean;
  callbackIds?: number[];
  registeredAt?: Date;
  lastError?: string;
  lastErrorAt?: Date;
}

interface HealthDocument {
  _id: string;
  lastReceivedAt?: Date;
  lastProcessedAt?: Date;
  processed?: Record<string, number>;
  lastError?: string;
  lastErrorAt?: Date;
}

const iso = (date: Date | undefined) => (date ? new Date(date).toISOString() : undefined);

export function mongoCallbackHealth(db: Connection): CallbackHealthSource {
  const registrations = db.collection<RegistrationDocument>('fetcher_callback_registrations');
  const health = db.collection<HealthDocument>('fetcher_callback_health');
  const rejections = db.collection<{ integrationId: string }>('fetcher_callback_rejections');
  return async (integrationId) => {
    const [registration, received, rejected] = await Promise.all([
      registrations.findOne({ _id: integrationId }),
      health.findOne({ _id: integrationId }),
      rejections.countDocuments({ integrationId }),
    ]);
    const lastError =
      (received?.lastErrorAt?.getTime() ?? 0) >= (registration?.lastErrorAt?.getTime() ?? 0)
        ? { message: received?.lastError, at: received?.lastErrorAt }
        : { message: registration?.lastError, at: registration?.lastErrorAt };
    const callbackIds = registration?.callbackIds ?? [];
    const view: CallbackHealthView = {
      registered: registration?.enabled === true && callbackIds.length > 0,
      callbackIds,
      rejected,
      processed: { ...(received?.processed ?? {}) },
    };
    const optional: Array<[keyof CallbackHealthView, string | undefined]> = [
      ['registeredAt', iso(registration?.registeredAt)],
      ['lastReceivedAt', iso(received?.lastReceivedAt)],
      ['lastProcessedAt', iso(received?.lastProcessedAt)],
      ['lastError', lastError.message],
      ['lastErrorAt', iso(lastError.at)],
    ];
    for (const [key, value] of optional) if (value !== undefined) Object.assign(view, { [key]: value });
    return view;
  };
}

export interface ScheduledKindView {
  /** The latest slot the scheduler emitted: when it fell due, its run, whether it reached Kafka. */
  last?: { slotAt: string; runId: string; emittedBy: string; published: boolean };
  /** When the next one falls due, as of the latest slot (null while continuous sync is off). */
  nextAt: string | null;
}

/** What GET /api/integrations/:id/continuous-sync answers. */
export interface ContinuousSyncView {
  settings: ContinuousSyncSettings;
  poll: ScheduledKindView;
  reconcile: ScheduledKindView;
  lastRun?: Pick<RunView, 'id' | 'mode' | 'stage' | 'startedAt' | 'updatedAt' | 'finishedAt'>;
  callbacks: (CallbackHealthView & { wanted: boolean }) | { wanted: boolean; status: 'unknown' };
}

function kindView(
  enabled: boolean,
  latest: ScheduleSlotView | undefined,
  now: number,
  schedulerTickMs: number,
): ScheduledKindView {
  const last = latest
    ? {
        slotAt: latest.slotAt.toISOString(),
        runId: latest.runId,
        emittedBy: latest.claimedBy,
        published: latest.publishedAt !== undefined,
      }
    : undefined;
  let nextAt: string | null = null;
  if (enabled) {
    // Not emitted yet (just switched on), or overdue: the scheduler takes it at its next tick.
    const next = latest?.nextAt.getTime() ?? now;
    nextAt = new Date(Math.max(next, now + (next <= now ? schedulerTickMs : 0))).toISOString();
  }
  return { ...(last ? { last } : {}), nextAt };
}

export async function continuousSyncView(input: {
  integrationId: string;
  settings: ContinuousSyncSettings;
  schedule: Pick<ScheduleStore, 'latest'>;
  runs: Pick<RunStore, 'list'>;
  callbackHealth?: CallbackHealthSource;
  now?: number;
  schedulerTickMs?: number;
}): Promise<ContinuousSyncView> {
  const now = input.now ?? Date.now();
  const tick = input.schedulerTickMs ?? 1_000;
  const [poll, reconcile, runs, health] = await Promise.all([
    input.schedule.latest(input.integrationId, 'poll'),
    input.schedule.latest(input.integrationId, 'reconcile'),
    input.runs.list(input.integrationId, 1),
    input.callbackHealth?.(input.integrationId),
  ]);
  const wanted = input.settings.enabled && input.settings.callbacks;
  const run = runs[0];
  return {
    settings: input.settings,
    poll: kindView(input.settings.enabled, poll, now, tick),
    reconcile: kindView(input.settings.enabled, reconcile, now, tick),
    ...(run
      ? {
          lastRun: {
            id: run.id,
            mode: run.mode,
            stage: run.stage,
            startedAt: run.startedAt,
            updatedAt: run.updatedAt,
            ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
          },
        }
      : {}),
    callbacks: health ? { ...health, wanted } : { wanted, status: 'unknown' },
  };
}
