import { z } from 'zod';
import { newIntegrationSchema } from '@cw-hudu-sync/integrations';
import { reasonsOf } from './problems';

describe('reasonsOf', () => {
  it('names the field of each problem, nested ones with dots', () => {
    const result = newIntegrationSchema.strict().safeParse({
      id: 'ok-id',
      name: 'n',
      manage: {
        siteUrl: 'http://manage.example.com',
        companyId: 'c',
        publicKey: 'p',
        clientId: 'x',
        privateKey: '',
      },
      hudu: { baseUrl: 'https://hudu.example.com', apiKey: 'k' },
      extra: 1,
    });
    expect(result.success).toBe(false);
    expect(reasonsOf(result.error!)).toEqual([
      'manage.siteUrl: must be an https URL (plain http only for localhost/127.0.0.1)',
      expect.stringMatching(/^manage\.privateKey: /),
      'extra: not a field that can be set here',
    ]);
  });

  it('never repeats the rejected value (it may be a secret)', () => {
    const secret = 'Super-Secret-Value-1234';
    const schema = z.object({ apiKey: z.string().max(5), count: z.number() });
    const result = schema.safeParse({ apiKey: secret, count: secret });
    expect(JSON.stringify(reasonsOf(result.error!))).not.toContain(secret);
  });

  it('says (body) for a problem with the whole body, and applies a prefix', () => {
    const result = z.object({ a: z.string() }).safeParse('nope');
    expect(reasonsOf(result.error!)).toEqual([expect.stringMatching(/^\(body\): /)]);
    const nested = z.object({ a: z.string() }).safeParse({ a: 1 });
    expect(reasonsOf(nested.error!, 'query')).toEqual([expect.stringMatching(/^query\.a: /)]);
  });

  it('keeps at most 20 reasons', () => {
    const schema = z.object(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, z.string()])));
    expect(reasonsOf(schema.safeParse({}).error!)).toHaveLength(20);
  });
});
