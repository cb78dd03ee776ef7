import { hasBearerToken } from '@cw-hudu-sync/service';
/**
 * The decisions API (a Fastify plugin for runService's `routes`): every route needs the admin bearer
 * token; every input is validated with zod; every error is JSON `{ error, reasons }`.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  companyParamsSchema,
  confirmExactBodySchema,
  decisionBodySchema,
  integrationParamsSchema,
  issuesOf,
  listQuerySchema,
} from './lib/api-input';
import { ApiProblem, type MatcherApi } from './matcher';

export interface MatcherRoutesSettings {
  /** ADMIN_TOKEN; without one the API answers 503 to everything. */
  adminToken: string | undefined;
  /** The API once the matcher runs (undefined while it starts: 503). */
  api: () => MatcherApi | undefined;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiProblem(400, `invalid ${what}`, issuesOf(result.error));
  return result.data;
}

export function matcherRoutes(settings: MatcherRoutesSettings) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!settings.adminToken) {
        return reply
          .code(503)
          .send({ error: 'the decisions API is disabled: ADMIN_TOKEN is not set', reasons: [] });
      }
      if (!hasBearerToken(request.headers.authorization, settings.adminToken)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'missing or wrong bearer token', reasons: [] });
      }
      return undefined;
    });

    app.setErrorHandler((error: FastifyError | ApiProblem, request, reply) => {
      if (error instanceof ApiProblem) {
        return reply.code(error.status).send({ error: error.message, reasons: error.reasons });
      }
      const status = error.statusCode;
      if (status !== undefined && status >= 400 && status < 500) {
        return reply.code(status).send({ error: error.message, reasons: [] });
      }
      request.log.error({ err: error }, 'decisions API failed');
      return reply.code(500).send({ error: 'internal error', reasons: [] });
    });

    const api = () => {
      const current = settings.api();
      if (!current) throw new ApiProblem(503, 'the matcher is starting; try again shortly');
      return current;
    };

    app.get('/api/integrations/:id/matches', async (request) => {
      const { id } = parse(integrationParamsSchema, request.params, 'path');
      const query = parse(listQuerySchema, request.query ?? {}, 'query');
      return api().list(id, query);
    });

    app.post('/api/integrations/:id/matches/confirm-exact', async (request) => {
      const { id } = parse(integrationParamsSchema, request.params, 'path');
      const body = parse(confirmExactBodySchema, request.body ?? undefined, 'body');
      return api().confirmExact(id, body.by);
    });

    app.post('/api/integrations/:id/matches/:manageCompanyId/decision', async (request) => {
      const { id, manageCompanyId } = parse(companyParamsSchema, request.params, 'path');
      const body = parse(decisionBodySchema, request.body, 'body');
      return api().decide(id, manageCompanyId, body);
    });

    app.delete('/api/integrations/:id/matches/:manageCompanyId/decision', async (request) => {
      const { id, manageCompanyId } = parse(companyParamsSchema, request.params, 'path');
      return api().undo(id, manageCompanyId);
    });
  };
}
