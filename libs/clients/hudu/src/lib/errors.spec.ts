import { HuduApiError, huduMessageOf } from './errors';

describe('huduMessageOf', () => {
  it.each([
    [
      { error: 'Validation failed', details: ['Name has already been taken'] },
      'Validation failed: Name has already been taken',
    ],
    [
      { error: 'Invalid custom fields', details: ['Invalid field names: a, b'] },
      'Invalid custom fields: Invalid field names: a, b',
    ],
    [{ errors: 'Name is too long' }, 'Name is too long'],
    [{ errors: ['one', 'two'] }, 'one; two'],
    [{ errors: { name: ['has already been taken'] } }, 'name has already been taken'],
    [{ error: 'Bad credentials' }, 'Bad credentials'],
    [
      { error: 'Parameter missing', details: 'param is missing or the value is empty: company' },
      'Parameter missing: param is missing or the value is empty: company',
    ],
    [{ status: 500, error: 'Internal Server Error' }, 'Internal Server Error'],
    ['Retry later\n', 'Retry later'],
    ['<!DOCTYPE html><html>…</html>', 'HTTP 404'],
    [null, 'HTTP 404'],
    [{}, 'HTTP 404'],
  ])('reads %j', (body, expected) => {
    expect(huduMessageOf(body, 'HTTP 404')).toBe(expected);
  });
});

describe('HuduApiError', () => {
  it('names method, path, status and Hudu message, and knows what is worth retrying', () => {
    const error = new HuduApiError({
      method: 'PUT',
      path: '/companies/7',
      status: 422,
      huduMessage: 'Validation failed',
      kind: 'http',
      attempts: 1,
    });
    expect(error.message).toBe('Hudu PUT /companies/7 failed (422): Validation failed');
    expect(error.retryable).toBe(false);
    expect(
      new HuduApiError({ method: 'GET', path: '/x', status: 503, huduMessage: '', kind: 'http', attempts: 4 })
        .retryable,
    ).toBe(true);
    expect(
      new HuduApiError({ method: 'GET', path: '/x', huduMessage: '', kind: 'timeout', attempts: 4 }).message,
    ).toContain('(timeout)');
  });
});
