/** Plain-text views for people (tables, one run's status). Pure: strings in, strings out. */
import type { ContinuousSyncView, IntegrationView, MatchList, MatchView, RunView } from './views';

/** A left-aligned table; cells are cut at `width` characters so one long name cannot wreck the layout. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, width = 48): string {
  const cut = (cell: string) => (cell.length > width ? `${cell.slice(0, width - 1)}…` : cell);
  const all = [header, ...rows].map((row) => row.map(cut));
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function integrationsTable(integrations: readonly IntegrationView[]): string {
  if (integrations.length === 0) return 'No integrations yet (cwhs add <file.json>).';
  return table(
    ['ID', 'NAME', 'MANAGE SITE', 'COMPANY', 'HUDU'],
    integrations.map((i) => [
      i.id,
      i.name ?? '',
      i.manage?.siteUrl ?? '',
      i.manage?.companyId ?? '',
      i.hudu?.baseUrl ?? '',
    ]),
  );
}

export function typesTable(integration: {
  types?: Array<{ id: number; name: string; count: number; skipped?: boolean }>;
}): string {
  const types = integration.types ?? [];
  if (types.length === 0) return 'No configuration types yet: they are known after the first full sync.';
  return table(
    ['TYPE ID', 'NAME', 'CONFIGURATIONS', 'SKIPPED'],
    types.map((t) => [String(t.id), t.name, String(t.count), t.skipped ? 'yes' : '']),
  );
}

export function runsTable(runs: readonly RunView[]): string {
  if (runs.length === 0) return 'No runs yet (cwhs sync <id>).';
  return table(
    ['RUN', 'MODE', 'STAGE', 'STARTED', 'FINISHED', 'HUDU CALLS', 'ERRORS'],
    runs.map((r) => [
      r.id,
      r.mode,
      r.stage,
      r.startedAt,
      r.finishedAt ?? '',
      String(r.huduCalls),
      String(r.errors.length),
    ]),
  );
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One run: stage, progress per stage when the API gives it, counts per kind and outcome, errors. */
export function runStatus(run: RunView, now: Date = new Date()): string {
  const end = run.finishedAt ? new Date(run.finishedAt) : now;
  const elapsed = (end.getTime() - new Date(run.startedAt).getTime()) / 1000;
  const lines = [
    `run ${run.id} (${run.mode}) of ${run.integrationId}: ${run.stage}, ${duration(elapsed)}${
      run.finishedAt ? '' : ' so far'
    }, ${run.huduCalls} Hudu calls`,
  ];
  for (const stage of run.progress?.stages ?? []) {
    const total = stage.total !== undefined ? `/${stage.total}` : '';
    const percent =
      stage.total !== undefined && stage.total > 0
        ? ` (${Math.floor((100 * stage.done) / stage.total)}%)`
        : '';
    const rate = stage.ratePerSecond !== undefined ? `, ${stage.ratePerSecond.toFixed(1)}/s` : '';
    const eta = stage.etaSeconds !== undefined ? `, ~${duration(stage.etaSeconds)} left` : '';
    lines.push(`  ${stage.stage.padEnd(9)} ${stage.done}${total}${percent}${rate}${eta}`);
  }
  const kinds = Object.keys(run.counts).sort();
  if (kinds.length > 0) {
    const outcomes = [...new Set(kinds.flatMap((kind) => Object.keys(run.counts[kind] ?? {})))].sort();
    lines.push(
      table(
        ['KIND', ...outcomes.map((o) => o.toUpperCase())],
        kinds.map((kind) => [kind, ...outcomes.map((o) => String(run.counts[kind]?.[o] ?? ''))]),
      )
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n'),
    );
  }
  if (run.errors.length > 0) {
    lines.push(`  ${run.errors.length} error(s):`);
    for (const e of run.errors.slice(0, 20)) {
      const what = [e.kind, e.manageId !== undefined ? `#${e.manageId}` : undefined]
        .filter(Boolean)
        .join(' ');
      lines.push(`    ${e.service}${what ? ` ${what}` : ''}: ${e.reason}`);
    }
    if (run.errors.length > 20) lines.push(`    … and ${run.errors.length - 20} more (--json shows all)`);
  }
  return lines.join('\n');
}

function proposalText(match: MatchView): string {
  const proposal = match.proposal;
  if (!proposal) return 'no candidates';
  const best = proposal.candidates[0];
  const exact = proposal.exactMatch
    ? `exact: Hudu ${proposal.exactMatch.huduCompanyId} (${proposal.exactMatch.basis})`
    : '';
  const candidate = best
    ? `best: Hudu ${best.huduCompanyId} "${best.huduCompanyName}" score ${best.score}`
    : 'no candidates';
  const doubt = proposal.ambiguous
    ? ` AMBIGUOUS (${proposal.ambiguities.map((a) => a.kind).join(', ')})`
    : '';
  return `${exact || candidate}${doubt}`;
}

export function matchesTable(list: MatchList): string {
  if (list.items.length === 0) return `No matches to show (${list.total} in all).`;
  const rows = list.items.map((m) => [
    String(m.manageCompanyId),
    m.name,
    m.status,
    m.decision
      ? `${m.decision.decision}${m.decision.huduCompanyId !== undefined ? ` → Hudu ${m.decision.huduCompanyId}` : ''}`
      : '',
    m.decision ? '' : proposalText(m),
  ]);
  const shown = `${list.offset + 1}–${list.offset + list.items.length} of ${list.total}`;
  return `${table(['MANAGE ID', 'NAME', 'STATUS', 'DECISION', 'PROPOSAL'], rows, 90)}\n(${shown})`;
}

export function matchLine(match: MatchView): string {
  const decision = match.decision
    ? `${match.decision.decision}${match.decision.huduCompanyId !== undefined ? ` → Hudu ${match.decision.huduCompanyId}` : ''} by ${match.decision.decidedBy}`
    : 'no decision';
  return `${match.manageCompanyId} "${match.name}": ${match.status}, ${decision}`;
}

/** Continuous sync of one integration: its settings, the scheduler's last and next slots, callback health. */
export function scheduleView(view: ContinuousSyncView): string {
  const { settings } = view;
  const reconcile =
    'dailyAt' in settings.reconcile
      ? `daily at ${settings.reconcile.dailyAt} UTC`
      : `every ${duration(settings.reconcile.everySeconds)}`;
  const slot = (name: string, kind: ContinuousSyncView['poll']) => {
    const last = kind.last
      ? `last ${kind.last.slotAt} (run ${kind.last.runId}${kind.last.published ? '' : ', NOT sent yet'})`
      : 'none yet';
    return `  ${name.padEnd(10)} ${last}; next ${kind.nextAt ?? '—'}`;
  };
  const callbacks = view.callbacks;
  const health = !callbacks.wanted
    ? 'off'
    : callbacks.status === 'unknown'
      ? 'wanted, health unknown'
      : `${callbacks.registered ? 'registered' : 'NOT registered'}` +
        `${callbacks.lastReceivedAt ? `, last received ${callbacks.lastReceivedAt}` : ', none received yet'}` +
        `${callbacks.rejected ? `, ${callbacks.rejected} rejected` : ''}` +
        `${callbacks.lastError ? `, last error: ${callbacks.lastError}` : ''}`;
  return [
    `continuous sync: ${settings.enabled ? 'on' : 'off'} (poll every ${duration(settings.pollIntervalSeconds)}, reconcile ${reconcile})`,
    slot('poll', view.poll),
    slot('reconcile', view.reconcile),
    `  last run   ${view.lastRun ? `${view.lastRun.id} (${view.lastRun.mode}) ${view.lastRun.stage}, started ${view.lastRun.startedAt}` : 'none'}`,
    `  callbacks  ${health}`,
  ].join('\n');
}
