import { sampleSum } from './exposition';

describe('sampleSum', () => {
  const text = [
    '# HELP cwhs_hudu_requests_total x',
    '# TYPE cwhs_hudu_requests_total counter',
    'cwhs_hudu_requests_total{method="GET",route="/companies",status="200",service="importer"} 3',
    'cwhs_hudu_requests_total{method="PUT",route="/companies/{id}",status="200",service="importer"} 2',
    'cwhs_hudu_requests_total{method="PUT",route="/companies/{id}",status="429",service="importer"} 1',
    'cwhs_hudu_budget_wait_seconds_count{service="importer"} 6',
  ].join('\n');

  it('adds the samples whose labels include the ones asked for', () => {
    expect(sampleSum(text, 'cwhs_hudu_requests_total')).toBe(6);
    expect(sampleSum(text, 'cwhs_hudu_requests_total', { status: '200' })).toBe(5);
    expect(sampleSum(text, 'cwhs_hudu_requests_total', { route: '/companies/{id}', status: '429' })).toBe(1);
    expect(sampleSum(text, 'cwhs_hudu_budget_wait_seconds_count')).toBe(6);
  });

  it('is undefined when no sample matches', () => {
    expect(sampleSum(text, 'cwhs_hudu_requests_total', { status: '500' })).toBeUndefined();
    expect(sampleSum(text, 'cwhs_records_total')).toBeUndefined();
  });
});
