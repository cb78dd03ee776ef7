import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * True when the Authorization header carries `Bearer <expected>`. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or content of the guess.
 */
export function hasBearerToken(header: string | undefined, expected: string): boolean {
  if (!header || expected === '') return false;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  const presented = match?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected)) && presented !== '';
}

/** A Fastify onRequest hook that answers 401 unless the request carries the admin bearer token. */
export function requireBearerToken(expected: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!hasBearerToken(request.headers.authorization, expected)) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
  };
}
