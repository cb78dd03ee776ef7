import { databaseTimeFrom, topDatabaseTime } from './database-time';

const scrape = [
  '# HELP cwhs_database_command_seconds Duration of one MongoDB command',
  '# TYPE cwhs_database_command_seconds histogram',
  'cwhs_database_command_seconds_bucket{le="0.001",command="find",collection="importer_records",ok="true"} 0',
  'cwhs_database_command_seconds_sum{command="find",collection="importer_records",ok="true"} 12.5',
  'cwhs_database_command_seconds_count{command="find",collection="importer_records",ok="true"} 40',
  'cwhs_database_command_seconds_sum{command="find",collection="importer_records",ok="false"} 0.5',
  'cwhs_database_command_seconds_count{command="find",collection="importer_records",ok="false"} 2',
  'cwhs_database_command_seconds_sum{command="insert",collection="runs",ok="true"} 3',
  'cwhs_database_command_seconds_count{command="insert",collection="runs",ok="true"} 300',
  'cwhs_database_command_seconds_sum{command="delete",collection="idle",ok="true"} 0',
  'cwhs_database_command_seconds_count{command="delete",collection="idle",ok="true"} 0',
  'cwhs_hudu_requests_total{method="GET",route="/x",status="200"} 5',
].join('\n');

describe('database time from a /metrics scrape', () => {
  it('sums each command and collection over success labels, most time first, skipping unused series', () => {
    expect(databaseTimeFrom('importer', scrape)).toEqual([
      { service: 'importer', command: 'find', collection: 'importer_records', calls: 42, seconds: 13 },
      { service: 'importer', command: 'insert', collection: 'runs', calls: 300, seconds: 3 },
    ]);
  });

  it('is empty for a scrape without the histogram', () => {
    expect(databaseTimeFrom('link', '# nothing\nup 1\n')).toEqual([]);
  });

  it('keeps the most expensive commands across services', () => {
    const rows = [
      ...databaseTimeFrom('importer', scrape),
      { service: 'fetcher', command: 'update', collection: 'snapshots', calls: 1, seconds: 5 },
    ];
    expect(topDatabaseTime(rows, 2).map((r) => `${r.service}:${r.command}`)).toEqual([
      'importer:find',
      'fetcher:update',
    ]);
  });
});
