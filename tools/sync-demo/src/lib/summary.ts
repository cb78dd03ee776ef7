import { compareWithExpected, getRun, huduRequests, type SyncContext } from './sync';

/** Prints the run's counts, the Hudu calls, the time, a working jump URL, and the check against the oracle. */
export async function printSummary(
  context: SyncContext,
  decisions: { link: number; create: number; ignore: number },
  durationMs: number,
): Promise<boolean> {
  const run = await getRun(context);
  const calls = await huduRequests(context.hudu);
  const comparison = await compareWithExpected(context);
  const problems = [...comparison.problems];

  const jumpCompany = context.dataset.companies.find((c) => !c.deletedFlag);
  const jumpUrl = jumpCompany
    ? `${context.env.linkUrl}/${context.integrationId}/api/v1/companies/jump?integration_id=${jumpCompany.id}&integration_slug=cw_manage`
    : undefined;
  let jumpResult = 'no company to jump to';
  if (jumpUrl) {
    const response = await fetch(jumpUrl, { redirect: 'manual', headers: { accept: 'text/html' } });
    jumpResult = `${response.status} → ${response.headers.get('location') ?? '(no location)'}`;
    if (response.status !== 302) problems.push(`the jump answered ${response.status}`);
  }

  const line = (label: string, value: unknown) =>
    process.stdout.write(`  ${label.padEnd(24)} ${String(value)}\n`);
  const { counts } = context.dataset;
  process.stdout.write('\ncw-hudu-sync: sync summary (embedded default: simulators and sample data)\n\n');
  line(
    'dataset',
    `${context.dataset.size}: ${counts.companies} companies, ${counts.configurations} configurations, ${counts.contacts} contacts`,
  );
  line('run', `${context.runId} (${run.stage})`);
  for (const [kind, outcomes] of Object.entries(run.counts).sort()) {
    line(
      `  ${kind}`,
      Object.entries(outcomes)
        .map(([outcome, n]) => `${outcome} ${n}`)
        .join(', '),
    );
  }
  line(
    'admin decisions',
    `${decisions.link} confirmed, ${decisions.create} created, ${decisions.ignore} ignored`,
  );
  line('Hudu requests', `${calls.total} (${calls.writes} writes)`);
  line('duration', `${(durationMs / 1000).toFixed(1)} s`);
  line(
    'errors',
    run.errors.length
      ? run.errors
          .slice(0, 5)
          .map((e) => `${e.service}: ${e.reason}`)
          .join(' | ')
      : 'none',
  );
  line(
    'Hudu vs expected',
    problems.length
      ? `${problems.length} differences`
      : `identical (${comparison.companies} companies, ${comparison.assets} assets)`,
  );
  for (const problem of problems.slice(0, 10)) process.stdout.write(`      - ${problem}\n`);
  line('sample jump URL', jumpUrl ?? '-');
  line('  answers', jumpResult);
  line(
    'Manage Link to create',
    `System → Setup Tables → Links: "Hudu", table Company, ${context.env.linkUrl}/${context.integrationId}/api/v1/companies/jump?integration_id=[companyrecordid]&integration_slug=cw_manage`,
  );
  line('logs', context.env.logDir);
  return problems.length === 0;
}
