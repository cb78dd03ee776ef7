import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';
import { companyImportedV1, createEvent, type Envelope, TOPICS } from '@cw-hudu-sync/contracts';
import { integrationIdPattern, IntegrationStore } from '@cw-hudu-sync/integrations';
import type { Logger } from '@cw-hudu-sync/logging';
import {
  EventConsumer,
  type EventHandler,
  type EventPublisher,
  oneByOne,
  PermanentFailure,
} from '@cw-hudu-sync/messaging';
import type { SecretBox } from '@cw-hudu-sync/secrets';
import { hasBearerToken } from '@cw-hudu-sync/service';
import {
  acceptsOnlyJson,
  explanationPage,
  isOnHuduOrigin,
  jumpUrlFor,
  manageLinkFor,
  MAX_IDENTIFIER_LENGTH,
  parseJumpQuery,
} from './jump';
import { LinkStore } from './link-store';

export const LINK_CONSUMER_GROUP = 'link';

/** What the link logic needs once the database is connected. */
export interface LinkService {
  links: LinkStore;
  integrations: IntegrationStore;
  /** Handles one event from TOPICS.huduImports (idempotent). */
  handle: EventHandler;
}

export interface LinkServiceSettings {
  db: Connection;
  secrets: SecretBox;
  publisher: EventPublisher;
  /** Validated, without a trailing slash (see normalisePublicBaseUrl). */
  publicBaseUrl: string;
}

/** Builds the link logic on a connected database: the company table, the integrations, the handler. */
export async function createLinkService(settings: LinkServiceSettings): Promise<LinkService> {
  const links = new LinkStore(settings.db);
  await links.init();
  const integrations = new IntegrationStore(settings.db, settings.secrets);

  const handle: EventHandler = async (event: Envelope, context) => {
    if (event.type !== 'CompanyImported') return; // the topic carries other import events: not ours
    const parsed = companyImportedV1.safeParse(event.payload);
    if (!parsed.success) throw new PermanentFailure(`CompanyImported payload: ${parsed.error.message}`);
    const payload = parsed.data;
    // Additive, optional field (not in the v1 contract yet): the importer may send the Manage identifier.
    const rawIdentifier = event.payload['manageIdentifier'];
    const manageIdentifier =
      typeof rawIdentifier === 'string' &&
      rawIdentifier.trim() !== '' &&
      rawIdentifier.length <= MAX_IDENTIFIER_LENGTH
        ? rawIdentifier.trim()
        : undefined;
    await links.upsert({
      integrationId: event.integrationId,
      manageCompanyId: payload.manageCompanyId,
      huduCompanyId: payload.huduCompanyId,
      huduUrl: payload.huduUrl,
      ...(manageIdentifier ? { manageIdentifier } : {}),
    });
    // Published on every delivery: a crash between the upsert and here must not lose the update.
    await settings.publisher.publish(
      createEvent(
        'LinkUpdated',
        {
          integrationId: event.integrationId,
          causationId: event.eventId,
          ...(event.runId ? { runId: event.runId } : {}),
        },
        {
          manageCompanyId: payload.manageCompanyId,
          huduCompanyId: payload.huduCompanyId,
          jumpUrl: jumpUrlFor(settings.publicBaseUrl, event.integrationId, payload.manageCompanyId),
        },
      ),
    );
    context.logger.debug(
      { integrationId: event.integrationId, manageCompanyId: payload.manageCompanyId },
      'company link recorded',
    );
  };

  return { links, integrations, handle };
}

export interface LinkConsumerSettings {
  kafka: Kafka;
  namespace?: string;
  publisher: EventPublisher;
  logger: Logger;
  metrics?: Registry;
  service: LinkService;
  groupId?: string;
}

/**
 * The consumer of TOPICS.huduImports in group `link`. The topic carries every import event (a
 * ConfigImported or ContactImported per record); only CompanyImported is the link's. Batch mode: one
 * commit per chunk rather than one per message (each message still gets its span, ADR 0009).
 */
export function createLinkConsumer(settings: LinkConsumerSettings): EventConsumer {
  return new EventConsumer({
    kafka: settings.kafka,
    groupId: settings.groupId ?? LINK_CONSUMER_GROUP,
    topics: [TOPICS.huduImports],
    ...(settings.namespace ? { namespace: settings.namespace } : {}),
    maxBatchSize: 500,
    batchHandler: oneByOne(settings.service.handle),
    publisher: settings.publisher,
    logger: settings.logger,
    ...(settings.metrics ? { metrics: settings.metrics } : {}),
  });
}

export interface LinkRouteSettings {
  /** The link logic, once connected; undefined while the service is still starting. */
  service: () => LinkService | undefined;
  publicBaseUrl: string;
  adminToken: string;
}

function page(reply: FastifyReply, status: number, title: string, explanation: string) {
  return reply
    .code(status)
    .header('vary', 'accept')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(explanationPage(title, explanation));
}

/**
 * HTTP routes: the multi-tenant jump (`/:integrationId/api/v1/companies/jump`) and, for admins, the Manage
 * Link to create (`/api/integrations/:id/manage-link`).
 */
export function linkRoutes(settings: LinkRouteSettings) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { integrationId: string }; Querystring: Record<string, unknown> }>(
      '/:integrationId/api/v1/companies/jump',
      async (request, reply) => {
        // A browser link, as in Hudu: a caller that will only take JSON gets 406 before anything else.
        if (acceptsOnlyJson(request.headers.accept)) {
          return reply
            .code(406)
            .header('vary', 'accept')
            .header('cache-control', 'no-store')
            .type('text/plain')
            .send('Not Acceptable\n');
        }
        const service = settings.service();
        if (!service)
          return page(reply, 503, 'Starting up', 'The link service is starting. Try again in a moment.');
        const { integrationId } = request.params;
        const query = parseJumpQuery(request.query);
        if (!query.ok)
          return page(reply, 400, 'This link is not valid', `The link is malformed: ${query.reason}.`);
        const notFound = () =>
          page(
            reply,
            404,
            'Company not found in Hudu',
            'This Manage company has no company in Hudu yet. It appears here once it has been matched and imported; ask your Hudu admin to check the sync.',
          );
        if (!integrationIdPattern.test(integrationId)) return notFound();
        const integration = await service.integrations.get(integrationId);
        if (!integration) return notFound();
        const link =
          query.target.by === 'id'
            ? await service.links.findByManageId(integrationId, query.target.manageCompanyId)
            : await service.links.findByIdentifier(integrationId, query.target.manageIdentifier);
        if (!link) return notFound();
        if (!isOnHuduOrigin(link.huduUrl, integration.hudu.baseUrl)) {
          request.log.warn(
            { integrationId, manageCompanyId: link.manageCompanyId },
            "refusing to redirect: the stored company URL is not on the integration's Hudu",
          );
          return notFound();
        }
        return reply
          .code(302)
          .header('location', link.huduUrl)
          .header('vary', 'accept')
          .header('cache-control', 'no-store')
          .header('referrer-policy', 'no-referrer')
          .send();
      },
    );

    app.get<{ Params: { id: string } }>('/api/integrations/:id/manage-link', async (request, reply) => {
      if (!hasBearerToken(request.headers.authorization, settings.adminToken)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'unauthorized', reasons: ['a valid bearer token (ADMIN_TOKEN) is required'] });
      }
      const service = settings.service();
      if (!service)
        return reply.code(503).send({ error: 'not ready', reasons: ['the database is not connected yet'] });
      const { id } = request.params;
      if (!integrationIdPattern.test(id) || !(await service.integrations.get(id))) {
        return reply
          .code(404)
          .send({ error: 'not found', reasons: [`integration "${id.slice(0, 64)}" does not exist`] });
      }
      return reply.send(manageLinkFor(settings.publicBaseUrl, id));
    });
  };
}
