import Fastify from 'fastify';
import { hasBearerToken, requireBearerToken } from './bearer-token';

describe('hasBearerToken', () => {
  it.each([
    ['Bearer s3cret', true],
    ['bearer s3cret', true],
    ['Bearer  s3cret ', true],
    ['Bearer s3cre', false],
    ['Bearer s3crett', false],
    ['Basic s3cret', false],
    ['s3cret', false],
    ['Bearer ', false],
    [undefined, false],
  ])('%s -> %s', (header, ok) => expect(hasBearerToken(header, 's3cret')).toBe(ok));

  it('never accepts anything when no token is configured', () => {
    expect(hasBearerToken('Bearer ', '')).toBe(false);
    expect(hasBearerToken('Bearer x', '')).toBe(false);
  });
});

describe('requireBearerToken', () => {
  it('answers 401 without the token and lets the request through with it', async () => {
    const app = Fastify();
    app.addHook('onRequest', requireBearerToken('s3cret'));
    app.get('/x', async () => ({ ok: true }));
    const denied = await app.inject({ url: '/x' });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Bearer');
    expect((await app.inject({ url: '/x', headers: { authorization: 'Bearer s3cret' } })).json()).toEqual({
      ok: true,
    });
  });
});
