/**
 * The matcher's mirror of each integration's Hudu companies, in memory: loaded through a loader (the Hudu
 * client in the service), reused for at most `maxAgeMs`, reloaded on demand (FetchCompleted) and after a
 * decision that creates a company. One load per integration at a time: concurrent callers share it.
 */
import { HuduCompanyIndex, type HuduCompanyForMatching } from '@cw-hudu-sync/matching';

export interface MirrorSnapshot {
  integrationId: string;
  companies: readonly HuduCompanyForMatching[];
  index: HuduCompanyIndex;
  loadedAt: number;
}

export type HuduCompaniesLoader = (integrationId: string) => Promise<readonly HuduCompanyForMatching[]>;

export interface HuduMirrorSettings {
  load: HuduCompaniesLoader;
  maxAgeMs: number;
  now?: () => number;
}

export class HuduMirror {
  private readonly snapshots = new Map<string, MirrorSnapshot>();
  private readonly stale = new Set<string>();
  private readonly loading = new Map<string, Promise<MirrorSnapshot>>();
  private readonly now: () => number;

  constructor(private readonly settings: HuduMirrorSettings) {
    this.now = settings.now ?? Date.now;
  }

  /** The integration's Hudu companies: the kept snapshot while fresh, else a new load. */
  async get(integrationId: string, options: { refresh?: boolean } = {}): Promise<MirrorSnapshot> {
    const kept = this.snapshots.get(integrationId);
    const fresh =
      kept !== undefined &&
      !this.stale.has(integrationId) &&
      this.now() - kept.loadedAt < this.settings.maxAgeMs;
    if (fresh && !options.refresh) return kept;
    return this.load(integrationId);
  }

  /** Makes the next `get` load again (a company is about to be created, credentials changed …). */
  invalidate(integrationId: string): void {
    this.stale.add(integrationId);
  }

  private load(integrationId: string): Promise<MirrorSnapshot> {
    const running = this.loading.get(integrationId);
    if (running) return running;
    const startedAt = this.now();
    this.stale.delete(integrationId);
    const work = (async () => {
      const companies = await this.settings.load(integrationId);
      const snapshot: MirrorSnapshot = {
        integrationId,
        companies,
        index: new HuduCompanyIndex(companies),
        loadedAt: startedAt,
      };
      this.snapshots.set(integrationId, snapshot);
      return snapshot;
    })().finally(() => this.loading.delete(integrationId));
    this.loading.set(integrationId, work);
    return work;
  }
}
