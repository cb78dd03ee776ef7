import swagger from '@fastify/swagger';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createEvent } from '@cw-hudu-sync/contracts';
import {
  continuousSyncPatchSchema,
  integrationIdPattern,
  IntegrationExistsError,
  IntegrationNotFoundError,
  integrationPatchSchema,
  type IntegrationStore,
  type IntegrationView,
  newIntegrationSchema,
  RunStore,
  type ScheduleStore,
} from '@cw-hudu-sync/integrations';
import type { EventPublisher } from '@cw-hudu-sync/messaging';
import { hasBearerToken } from '@cw-hudu-sync/service';
import { type CallbackHealthSource, continuousSyncView } from './continuous-sync';
import type { Preflight, PreflightCredentials, PreflightReport } from './preflight';
import { problem, reasonsOf } from './problems';

/** What the routes need once Kafka and the database are connected. */
export interface AdminDependencies {
  integrations: IntegrationStore;
  runs: RunStore;
  publisher: EventPublisher;
  /** The continuous-sync scheduler's slots (last and next poll/reconcile). */
  schedule?: ScheduleStore;
  /** Where callback health comes from (see continuous-sync.ts); absent: shown as unknown. */
  callbackHealth?: CallbackHealthSource;
}

export interface AdminApiSettings {
  /** The stores and publisher, once connected; undefined while the service is still starting. */
  dependencies: () => AdminDependencies | undefined;
  /** ADMIN_TOKEN: every /api route but the OpenAPI document needs `Authorization: Bearer <token>`. */
  adminToken: string;
  preflight: Preflight;
  /** The version shown in the OpenAPI document. */
  version?: string;
}

export const OPENAPI_PATH = '/api/openapi.json';

// ---- request schemas (zod validates; their JSON Schema documents the API) -------------------------

const idParams = z.object({
  id: z.string().regex(integrationIdPattern, 'must be an integration id (lowercase letters, digits and "-")'),
});
const runParams = z.object({
  runId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a run id'),
});
const saveQuery = z.object({
  skipPreflight: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .optional()
    .describe('Save even when the preflight fails (the preflight is then not run).'),
});
const runsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const syncBody = z
  .object({
    mode: z.enum(['full', 'incremental']),
    force: z.boolean().default(false).describe('Re-emit every record even if unchanged.'),
  })
  .strict();
const continuousSyncBody = continuousSyncPatchSchema.refine(
  (patch) => Object.values(patch).some((value) => value !== undefined),
  { message: 'nothing to change: give enabled, pollIntervalSeconds, reconcile or callbacks' },
);
const createBody = newIntegrationSchema.strict();
const patchBody = integrationPatchSchema
  .strict()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'nothing to change: give name, manage, hudu or options',
  });

type JsonSchema = Record<string, unknown>;

/** JSON Schema for the OpenAPI document; secrets marked write-only. */
function documented(schema: z.ZodType, secrets: Array<[string, string]> = []): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json['$schema'];
  const properties = json['properties'] as Record<string, JsonSchema> | undefined;
  for (const [parent, key] of secrets) {
    const nested = properties?.[parent]?.['properties'] as Record<string, JsonSchema> | undefined;
    const field = nested?.[key];
    if (field) field['writeOnly'] = true;
  }
  return json;
}

const SECRET_FIELDS: Array<[string, string]> = [
  ['manage', 'privateKey'],
  ['hudu', 'apiKey'],
];

const problemSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, reasons: { type: 'array', items: { type: 'string' } } },
};

// ---- helpers ------------------------------------------------------------------------------------

function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  reply: FastifyReply,
  prefix?: string,
): z.output<S> | undefined {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  void reply.code(400).send(problem('invalid request', reasonsOf(result.error, prefix)));
  return undefined;
}

const CLIENT_ERRORS: Record<number, string> = {
  400: '(body): is not valid JSON',
  413: '(body): is too large',
  415: '(body): must be JSON (content-type: application/json)',
};

const notFound = (reply: FastifyReply, what: string) => reply.code(404).send(problem('not found', [what]));

function preflightFailed(reply: FastifyReply, preflight: PreflightReport) {
  return reply.code(422).send({ ...problem('preflight failed', preflight.reasons), preflight });
}

/** True when a patch changes anything the preflight checks (addresses, ids or secrets). */
const touchesCredentials = (patch: z.output<typeof patchBody>) =>
  Object.values(patch.manage ?? {}).some((v) => v !== undefined) ||
  Object.values(patch.hudu ?? {}).some((v) => v !== undefined);

function configurationTypes(view: IntegrationView) {
  const skipped = new Set(view.options.skippedConfigurationTypeIds);
  const discovered = new Set(view.discoveredConfigurationTypes.map((t) => t.id));
  return {
    types: view.discoveredConfigurationTypes.map((type) => ({ ...type, skipped: skipped.has(type.id) })),
    skippedTypeIds: [...skipped],
    /** Skipped ids the last fetch did not find (a type removed in Manage, or no fetch yet). */
    skippedButNotDiscovered: [...skipped].filter((id) => !discovered.has(id)),
  };
}

/**
 * The admin API as an encapsulated Fastify plugin: integrations (secrets write-only, preflight on save),
 * configuration types, sync requests and runs, and the OpenAPI document at /api/openapi.json.
 */
export function adminRoutes(settings: AdminApiSettings) {
  return async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'cw-hudu-sync admin API',
          description:
            'Integrations (ConnectWise Manage → Hudu), their options, sync requests and runs. Secrets are write-only.',
          version: settings.version ?? '1.0.0',
        },
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearerAuth: [] }],
      },
    });
    // zod validates every input (parse() above); the JSON Schemas on the routes are documentation only.
    app.setValidatorCompiler(() => () => true);
    // Response schemas are documentation too: answers are serialised as they are, never filtered.
    app.setSerializerCompiler(() => (data) => JSON.stringify(data));

    app.addHook('onRequest', async (request, reply) => {
      if (request.url.split('?')[0] === OPENAPI_PATH) return;
      if (!hasBearerToken(request.headers.authorization, settings.adminToken)) {
        await reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send(problem('unauthorized', ['a valid bearer token (ADMIN_TOKEN) is required']));
        return reply;
      }
      if (!settings.dependencies()) {
        await reply
          .code(503)
          .header('retry-after', '5')
          .send(problem('not ready', ['Kafka or the database is not connected yet']));
        return reply;
      }
      return undefined;
    });

    // One audit line per call: who asked what and the answer; never headers, bodies or query values.
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        {
          method: request.method,
          route: request.routeOptions.url,
          params: request.params,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'admin API call',
      );
    });

    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        // Body parsing and size errors. Never Fastify's or JSON.parse's message: it may quote the body.
        return reply
          .code(status)
          .send(problem('invalid request', [CLIENT_ERRORS[status] ?? `request rejected (${status})`]));
      }
      request.log.error({ err: error, route: request.routeOptions.url }, 'admin API request failed');
      return reply.code(500).send(problem('internal error', ['unexpected error; see the admin service log']));
    });

    const deps = () => settings.dependencies() as AdminDependencies; // the hook above answered 503 otherwise

    app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());

    const tags = { integrations: ['integrations'], runs: ['runs'], continuous: ['continuous sync'] };

    const continuousSyncOf = async (id: string) => {
      const { integrations, runs, schedule, callbackHealth } = deps();
      const integration = await integrations.get(id);
      if (!integration) return undefined;
      return continuousSyncView({
        integrationId: id,
        settings: integration.options.continuousSync,
        schedule: schedule ?? { latest: async () => undefined },
        runs,
        ...(callbackHealth ? { callbackHealth } : {}),
      });
    };

    const changeContinuousSync = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      patch: z.output<typeof continuousSyncPatchSchema>,
    ) => {
      const { integrations } = deps();
      if (!(await integrations.get(id))) return notFound(reply, `integration "${id}" does not exist`);
      try {
        await integrations.update(id, { options: { continuousSync: patch } });
      } catch (error) {
        if (error instanceof IntegrationNotFoundError) return notFound(reply, error.message);
        throw error;
      }
      request.log.info({ integrationId: id, continuousSync: patch }, 'continuous sync changed');
      return continuousSyncOf(id);
    };

    app.get(
      '/api/integrations/:id/continuous-sync',
      {
        schema: {
          tags: tags.continuous,
          summary:
            'Continuous sync: settings, last and next poll and reconcile, the last run, callback health',
          params: documented(idParams),
          response: { 404: problemSchema },
        },
      },
      async (request, reply) => {
        const params = parse(idParams, request.params, reply);
        if (!params) return reply;
        const view = await continuousSyncOf(params.id);
        return view ?? notFound(reply, `integration "${params.id}" does not exist`);
      },
    );

    app.patch(
      '/api/integrations/:id/continuous-sync',
      {
        schema: {
          tags: tags.continuous,
          summary: 'Change continuous-sync settings (what is left out keeps its value)',
          params: documented(idParams),
          body: documented(continuousSyncPatchSchema),
          response: { 400: problemSchema, 404: problemSchema },
        },
      },
      async (request, reply) => {
        const params = parse(idParams, request.params, reply);
        if (!params) return reply;
        const patch = parse(continuousSyncBody, request.body, reply);
        if (!patch) return reply;
        return changeContinuousSync(request, reply, params.id, patch);
      },
    );

    for (const [action, enabled] of [
      ['enable', true],
      ['disable', false],
    ] as const) {
      app.post(
        `/api/integrations/:id/continuous-sync/${action}`,
        {
          schema: {
            tags: tags.continuous,
            summary: `${enabled ? 'Switch on' : 'Switch off'} continuous sync (polls, reconciles, callbacks)`,
            params: documented(idParams),
            response: { 404: problemSchema },
          },
        },
        async (request, reply) => {
          const params = parse(idParams, request.params, reply);
          if (!params) return reply;
          return changeContinuousSync(request, reply, params.id, { enabled });
        },
      );
    }

    app.post(
      '/api/integrations',
      {
        schema: {
          tags: tags.integrations,
          summary: 'Create an integration (runs the preflight first)',
          body: documented(createBody, SECRET_FIELDS),
          querystring: documented(saveQuery),
          response: {
            201: { description: 'Created: { integration, preflight }', type: 'object' },
            400: problemSchema,
            409: problemSchema,
            422: problemSchema,
          },
        },
      },
      async (request, reply) => {
        const query = parse(saveQuery, request.query, reply);
        if (!query) return reply;
        const input = parse(createBody, request.body, reply);
        if (!input) return reply;
        const { integrations } = deps();
        if (await integrations.get(input.id))
          return reply.code(409).send(problem('conflict', [`integration "${input.id}" already exists`]));
        let preflight: PreflightReport | { skipped: true };
        if (query.skipPreflight === 'true') preflight = { skipped: true };
        else {
          const report = await settings.preflight({ manage: input.manage, hudu: input.hudu });
          if (!report.ok) return preflightFailed(reply, report);
          preflight = report;
        }
        try {
          const integration = await integrations.create(input);
          request.log.info({ integrationId: integration.id }, 'integration created');
          return reply.code(201).send({ integration, preflight });
        } catch (error) {
          if (error instanceof IntegrationExistsError)
            return reply.code(409).send(problem('conflict', [error.message]));
          throw error;
        }
      },
    );

    app.get(
      '/api/integrations',
      { schema: { tags: tags.integrations, summary: 'List integrations (without secrets)' } },
      async () => ({ integrations: await deps().integrations.list() }),
    );

    app.get(
      '/api/integrations/:id',
      {
        schema: {
          tags: tags.integrations,
          summary: 'One integration (without secrets)',
          params: documented(idParams),
        },
      },
      async (request, reply) => {
        const params = parse(idParams, request.params, reply);
        if (!params) return reply;
        const integration = await deps().integrations.get(params.id);
        return integration ? integration : notFound(reply, `integration "${params.id}" does not exist`);
      },
    );

    app.patch(
      '/api/integrations/:id',
      {
        schema: {
          tags: tags.integrations,
          summary: 'Change names, addresses, options or rotate secrets (a secret left out is kept)',
          params: documented(idParams),
          querystring: documented(saveQuery),
          body: documented(integrationPatchSchema, SECRET_FIELDS),
          response: { 400: problemSchema, 404: problemSchema, 422: problemSchema },
        },
      },
      async (request, reply) => {
        const params = parse(idParams, request.params, reply);
        if (!params) return reply;
        const query = parse(saveQuery, request.query, reply);
        if (!query) return reply;
        const patch = parse(patchBody, request.body, reply);
        if (!patch) return reply;
        const { integrations } = deps();
        if (!(await integrations.get(params.id)))
          return notFound(reply, `integration "${params.id}" does not exist`);
        let preflight: PreflightReport | { skipped: true } | undefined;
        if (touchesCredentials(patch)) {
          if (query.skipPreflight === 'true') preflight = { skipped: true };
          else {
            const current = await integrations.credentials(params.id);
            const candidate: PreflightCredentials = {
              manage: { ...current.manage, ...stripUndefined(patch.manage ?? {}) },
              hudu: { ...current.hudu, ...stripUndefined(patch.hudu ?? {}) },
            };
            const report = await settings.preflight(candidate);
            if (!report.ok) return preflightFailed(reply, report);
            preflight = report;
          }
        }
        try {
          const integration = await integrations.update(params.id, patch);
          request.log.info({ integrationId: params.id }, 'integration updated');
          return { integration, ...(preflight ? { preflight } : {}) };
        } catch (error) {
          if (error instanceof IntegrationNotFoundError) return notFound(reply, error.message);
          throw error;
        }
      },
    );

    app.delete(
      '/api/integrations/:id',
      { schema: { tags: tags.integrations, summary: 'Delete an integration', params: documented(idParams) } },
      async (request, reply) => {
        const params = parse(idParams, request.params, reply);
        if (!params) return reply;
        if (!(await deps().integrations.delete(params.id)))
          return notFound(reply, `integration "${params.id}" does not exist`);
        request.log.info({ integrationId: params.id }, 'integration deleted');
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/integrations/:id/configuration-types',
      {
        schema: {
          tags: tags.integrations,
          summary: 'Configuration types found by the last fetch, with counts, and which are skipped',
          params: documented(idParams),
        },
      },
      async (request, reply) => {
        const params = parse(idParams, request.params, reply);
        if (!params) return reply;
        const integration = await deps().integrations.get(params.id);
        if (!integration) return notFound(reply, `integration "${params.id}" does not exist`);
        return configurationTypes(integration);
      },
    );

    app.post(
      '/api/integrations/:id/sync',
      {
        schema: {
          tags: tags.runs,
          summary: 'Request a sync; answers 202 with the run id to follow',
          params: documented(idParams),
          body: documented(syncBody),
          response: {
            202: { description: 'Accepted: { runId }', type: 'object' },
            400: problemSchema,
            404: problemSchema,
            503: problemSchema,
          },
        },
      },
      async (request, reply) => {
        const params = parse(idParams, request.params, reply);
        if (!params) return reply;
        const body = parse(syncBody, request.body, reply);
        if (!body) return reply;
        const { integrations, runs, publisher } = deps();
        if (!(await integrations.get(params.id)))
          return notFound(reply, `integration "${params.id}" does not exist`);
        const runId = RunStore.newRunId();
        await runs.start(runId, params.id, body.mode);
        try {
          await publisher.publish(
            createEvent(
              'SyncRequested',
              { integrationId: params.id, runId },
              { mode: body.mode, force: body.force, requestedBy: 'admin-api' },
            ),
          );
        } catch (error) {
          request.log.error(
            { err: error, integrationId: params.id, runId },
            'could not publish SyncRequested',
          );
          await runs.setStage(runId, 'failed');
          await runs.addError(runId, {
            service: 'admin',
            reason: 'the sync request could not be sent to Kafka',
          });
          return reply
            .code(503)
            .send(problem('sync not requested', ['the sync request could not be sent to Kafka; try again']));
        }
        request.log.info({ integrationId: params.id, runId, mode: body.mode }, 'sync requested');
        return reply.code(202).send({ runId });
      },
    );

    app.get(
      '/api/integrations/:id/runs',
      {
        schema: {
          tags: tags.runs,
          summary: "The integration's latest runs, newest first",
          params: documented(idParams),
          querystring: documented(runsQuery),
        },
      },
      async (request, reply) => {
        const params = parse(idParams, request.params, reply);
        if (!params) return reply;
        const query = parse(runsQuery, request.query, reply);
        if (!query) return reply;
        const { integrations, runs } = deps();
        if (!(await integrations.get(params.id)))
          return notFound(reply, `integration "${params.id}" does not exist`);
        return { runs: await runs.list(params.id, query.limit) };
      },
    );

    app.get(
      '/api/runs/:runId',
      {
        schema: {
          tags: tags.runs,
          summary: 'One run: stage, counts per kind, Hudu calls, errors with reasons',
          params: documented(runParams),
        },
      },
      async (request, reply) => {
        const params = parse(runParams, request.params, reply);
        if (!params) return reply;
        const run = await deps().runs.get(params.runId);
        return run ? run : notFound(reply, `run "${params.runId}" does not exist`);
      },
    );
  };
}

function stripUndefined<T extends object>(value: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>;
  }>;
}
