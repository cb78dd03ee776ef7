import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { Random, type ManageDataset, type ManageDatasetSize } from '@cw-hudu-sync/sample-data';
import {
  type CallbackDelivery,
  type CallbackEntry,
  type CallbackPayload,
  callbackLevels,
  deliverCallback,
  type DeliverySettings,
  newGuid,
  signCallbackBody,
} from './callbacks';
import {
  ConditionError,
  type FieldCatalogue,
  parseConditions,
  compileConditions,
  type Predicate,
  resolveField,
} from './conditions';
import { createState, type ManageState, type ResourceName, type StoredRecord, readPath } from './store';

/** Security-role areas an API member may be granted (Inquire level), named as in Manage's Security Roles screen. */
export const manageGrants = [
  'Companies / Company Maintenance',
  'Companies / Configurations',
  'Companies / Contacts',
  'System / API Reports',
  'System / Member Maintenance',
  'System / Table Setup',
] as const;
export type ManageGrant = (typeof manageGrants)[number];

export interface ApiMember {
  /** Member identifier, e.g. `ApiMember`; appears in `_info.updatedBy` and callback `MemberId`. */
  identifier: string;
  memberRecId: number;
  publicKey: string;
  privateKey: string;
  grants: readonly ManageGrant[];
}

export interface FaultSettings {
  /** Answer the next N API calls with 429 + Retry-After. */
  rateLimitNext?: number;
  /** Rolling limit: at most `limit` API calls per `windowMs`, then 429. */
  rateLimit?: { limit: number; windowMs: number } | null;
  retryAfterSeconds?: number;
  /** Answer the next N API calls with `failStatus` (default 500, Manage's timeout body). */
  failNext?: number;
  failStatus?: number;
  /** Fraction of API calls answered with `failStatus`, drawn from a seeded generator. */
  failRate?: number;
  /** Hold the next N API calls without answering for `hangMs` (the client should time out). */
  hangNext?: number;
  hangMs?: number;
  /** Delay every API call by this many ms. */
  slowMs?: number;
}

export interface ManageSimulatorOptions {
  dataset?: ManageDataset | { size: ManageDatasetSize; seed?: number | string };
  /** The login company id (`companyId` in `companyId+publicKey`). */
  companyId?: string;
  companyName?: string;
  /** Codebase served (trailing slash); `v4_6_release/` is always accepted too. */
  codebase?: string;
  members?: ApiMember[];
  /** Resources (e.g. `company/contacts`) that ignore `pagination-type: forward-only`, like Manage's audit trail. */
  forwardOnlyUnsupported?: string[];
  /** `pageSize` above 1000: `reject` (400 OutOfRange, the default) or `cap` to 1000. */
  pageSizeOverflow?: 'reject' | 'cap';
  faults?: FaultSettings;
  callbackDelivery?: Partial<DeliverySettings>;
  signingKey?: string;
  now?: () => number;
  seed?: number;
  https?: { key: string | Buffer; cert: string | Buffer };
  logger?: boolean;
}

export const defaultMembers: ApiMember[] = [
  {
    identifier: 'ApiMember',
    memberRecId: 243,
    publicKey: 'simPublicKey',
    privateKey: 'simPrivateKey',
    grants: manageGrants,
  },
];

export interface ManageSimulator {
  app: FastifyInstance;
  state: ManageState;
  options: Required<Pick<ManageSimulatorOptions, 'companyId' | 'codebase'>>;
  members: ApiMember[];
  /** Base URL once listening, e.g. `http://127.0.0.1:4321`. */
  url: string;
  /** API root once listening, e.g. `http://127.0.0.1:4321/v2025_1/apis/3.0`. */
  apiUrl: string;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  setFaults(faults: FaultSettings): void;
  counters(): Record<string, number>;
  deliveries: CallbackDelivery[];
  /** Resolves when every callback delivery started so far has finished. */
  settleCallbacks(): Promise<void>;
  mutate: Mutations;
  signingKey: string;
}

export interface Mutations {
  update(resource: MutableResource, id: number, patch: Record<string, unknown>): StoredRecord;
  add(resource: MutableResource, record: Record<string, unknown>): StoredRecord;
  /** Companies are soft-deleted (`deletedFlag`); configurations and contacts are removed. */
  remove(resource: MutableResource, id: number): StoredRecord;
}
export type MutableResource = 'companies' | 'configurations' | 'contacts';

const entityNames: Record<MutableResource, { type: string; label: string }> = {
  companies: { type: 'company', label: 'Company' },
  configurations: { type: 'configuration', label: 'Configuration' },
  contacts: { type: 'contact', label: 'Contact' },
};

interface ListQuery {
  conditions?: string;
  childConditions?: string;
  customFieldConditions?: string;
  orderBy?: string;
  fields?: string;
  page?: string;
  pageSize?: string;
  pageId?: string;
}

class ManageError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body['message'] ?? status));
  }
}

const invalid = (resource: string, code: string, message: string, field: string) =>
  new ManageError(400, {
    code: 'InvalidObject',
    message: `${resource} object is invalid`,
    errors: [{ code, message, resource, field }],
  });

export function buildManageSimulator(options: ManageSimulatorOptions = {}): ManageSimulator {
  const companyId = options.companyId ?? 'ExampleMSP';
  let codebase = options.codebase ?? 'v2025_1/';
  let codebases = new Set([codebase.replace(/\/$/, ''), 'v4_6_release']);
  const members = (options.members ?? defaultMembers).map((m) => ({ ...m, grants: [...m.grants] }));
  const now = options.now ?? Date.now;
  const state = createState(
    options.dataset ?? { size: 'small', seed: 1 },
    now,
    members[0]?.identifier ?? 'ApiMember',
  );
  const forwardOnlyUnsupported = new Set(options.forwardOnlyUnsupported ?? []);
  const signingKey = options.signingKey ?? randomBytes(24).toString('base64');
  const signingKeyId = newGuid();
  const delivery: DeliverySettings = {
    retryDelaysMs: [2000, 4000],
    timeoutMs: 5000,
    ...options.callbackDelivery,
  };
  const faultRandom = new Random(options.seed ?? 1);
  let faults: FaultSettings = { ...options.faults };
  const rateWindow: number[] = [];
  const counters = new Map<string, number>();
  const callbacks = new Map<number, CallbackEntry>();
  let nextCallbackId = 26559;
  const deliveries: CallbackDelivery[] = [];
  const pending = new Set<Promise<void>>();
  let baseUrl = 'http://127.0.0.1';
  const host = () => new URL(baseUrl).host;

  const app = Fastify({
    logger: options.logger ?? false,
    routerOptions: { ignoreDuplicateSlashes: true, ignoreTrailingSlash: true },
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(no route)';
    const key = `${request.method} ${route} ${reply.statusCode}`;
    counters.set(key, (counters.get(key) ?? 0) + 1);
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ManageError) {
      return reply.code(error.status).headers(error.headers).send(error.body);
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply
      .code(status)
      .send({ code: status >= 500 ? 'ConnectWiseApi' : 'InvalidObject', message: (error as Error).message });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ code: 'ConnectWiseApi', message: 'The endpoint does not exist.' }),
  );

  // ---- codebase discovery (no auth) ----
  app.get<{ Params: { companyId: string } }>('/login/companyinfo/:companyId', async (request, reply) => {
    if (request.params.companyId.toLowerCase() !== companyId.toLowerCase())
      return reply.type('application/json').send('null');
    const version = codebase.replace(/^v/, '').replace(/\/$/, '').replace('_', '.');
    return {
      CompanyName: options.companyName ?? 'Example MSP',
      Codebase: codebase,
      VersionCode: `v${version}`,
      VersionNumber: 'v4.6.10451',
      CompanyID: companyId,
      IsCloud: true,
      SiteUrl: host(),
    };
  });

  // ---- callback signing key ----
  app.get<{ Params: { codebase: string }; Querystring: { id?: string } }>(
    '/:codebase/system/callbackkey/index.rails',
    async (request, reply) => {
      if (request.query.id !== signingKeyId)
        return reply.code(404).send({ code: 'NotFound', message: 'Key not found' });
      return reply.type('application/json').send(JSON.stringify({ signing_key: signingKey }));
    },
  );

  // ---- the API ----
  const authenticate = async (request: FastifyRequest): Promise<ApiMember> => {
    const params = request.params as { codebase?: string };
    if (!params.codebase || !codebases.has(params.codebase)) {
      throw new ManageError(404, { code: 'ConnectWiseApi', message: 'The endpoint does not exist.' });
    }
    const authorization = request.headers.authorization ?? '';
    const match = /^Basic\s+(.+)$/i.exec(authorization);
    const decoded = match ? Buffer.from(match[1] as string, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const user = colon >= 0 ? decoded.slice(0, colon) : '';
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    const plus = user.indexOf('+');
    const company = plus >= 0 ? user.slice(0, plus) : '';
    const publicKey = plus >= 0 ? user.slice(plus + 1) : '';
    const member = members.find((m) => m.publicKey === publicKey && m.privateKey === password);
    if (!member || company.toLowerCase() !== companyId.toLowerCase()) {
      throw new ManageError(401, { code: 'Unauthorized', message: 'UserNotAuthenticated' });
    }
    const clientIdHeader = Object.entries(request.headers).find(
      ([name]) => name.toLowerCase() === 'clientid',
    )?.[1];
    if (typeof clientIdHeader !== 'string' || clientIdHeader.trim() === '') {
      throw new ManageError(401, {
        code: 'Unauthorized',
        message: 'A clientId header is required. Register one at https://developer.connectwise.com/ClientID.',
      });
    }
    return member;
  };

  const applyFaults = async () => {
    const retryAfter = faults.retryAfterSeconds ?? 1;
    const tooMany = () =>
      new ManageError(
        429,
        { error: 'ConnectWiseAPI', message: `Too many requests. Please try again in ${retryAfter} seconds.` },
        { 'retry-after': String(retryAfter) },
      );
    if ((faults.rateLimitNext ?? 0) > 0) {
      faults.rateLimitNext = (faults.rateLimitNext ?? 0) - 1;
      throw tooMany();
    }
    if (faults.rateLimit) {
      const t = now();
      while (rateWindow.length > 0 && (rateWindow[0] as number) <= t - faults.rateLimit.windowMs)
        rateWindow.shift();
      if (rateWindow.length >= faults.rateLimit.limit) throw tooMany();
      rateWindow.push(t);
    }
    if ((faults.hangNext ?? 0) > 0) {
      faults.hangNext = (faults.hangNext ?? 0) - 1;
      await new Promise((resolve) => setTimeout(resolve, faults.hangMs ?? 30_000));
    }
    const fail = () =>
      new ManageError(faults.failStatus ?? 500, {
        code: 'ConnectWiseApi',
        message: 'A timeout has occured. Please try again.',
      });
    if ((faults.failNext ?? 0) > 0) {
      faults.failNext = (faults.failNext ?? 0) - 1;
      throw fail();
    }
    if (faults.failRate && faultRandom.next() < faults.failRate) throw fail();
    if (faults.slowMs) await new Promise((resolve) => setTimeout(resolve, faults.slowMs));
  };

  const guard = (grant: ManageGrant | null) => async (request: FastifyRequest) => {
    const member = await authenticate(request);
    await applyFaults();
    if (grant && !member.grants.includes(grant)) {
      const [area, screen] = grant.split(' / ');
      throw new ManageError(403, {
        code: 'Unauthorized',
        message: `You do not have permission to perform this action. Security role setting required: ${area} > ${screen} (Inquire Level).`,
      });
    }
    (request as FastifyRequest & { member?: ApiMember }).member = member;
  };
  const memberOf = (request: FastifyRequest) =>
    (request as FastifyRequest & { member?: ApiMember }).member as ApiMember;

  interface ResourceRoute {
    path: string;
    resource: ResourceName;
    grant: ManageGrant;
    label: string;
    entity: string;
    item: boolean;
  }
  const resources: ResourceRoute[] = [
    {
      path: 'company/companies',
      resource: 'companies',
      grant: 'Companies / Company Maintenance',
      label: 'Company',
      entity: 'company',
      item: true,
    },
    {
      path: 'company/companies/statuses',
      resource: 'companyStatuses',
      grant: 'System / Table Setup',
      label: 'CompanyStatus',
      entity: 'companyStatus',
      item: true,
    },
    {
      path: 'company/configurations',
      resource: 'configurations',
      grant: 'Companies / Configurations',
      label: 'Configuration',
      entity: 'configuration',
      item: true,
    },
    {
      path: 'company/configurations/types',
      resource: 'configurationTypes',
      grant: 'System / Table Setup',
      label: 'ConfigurationType',
      entity: 'configurationType',
      item: true,
    },
    {
      path: 'company/configurations/statuses',
      resource: 'configurationStatuses',
      grant: 'System / Table Setup',
      label: 'ConfigurationStatus',
      entity: 'configurationStatus',
      item: true,
    },
    {
      path: 'company/contacts',
      resource: 'contacts',
      grant: 'Companies / Contacts',
      label: 'Contact',
      entity: 'contact',
      item: true,
    },
  ];

  const api = `/:codebase/apis/3.0`;
  for (const route of resources) {
    const preHandler = guard(route.grant);
    app.get<{ Querystring: ListQuery }>(`${api}/${route.path}`, { preHandler }, async (request, reply) => {
      const records = state.collections[route.resource];
      const page = listPage(request, route, records.all(), (id) => records.firstAfter(id));
      if (page.link) reply.header('link', page.link);
      return page.items;
    });
    app.get<{ Querystring: ListQuery }>(`${api}/${route.path}/count`, { preHandler }, async (request) => {
      const predicate = filterOf(request.query, route);
      return { count: state.collections[route.resource].all().filter(predicate).length };
    });
    app.get<{ Params: { id: string }; Querystring: ListQuery }>(
      `${api}/${route.path}/:id`,
      { preHandler },
      async (request) => {
        const id = Number(request.params.id);
        const record = Number.isInteger(id) ? state.collections[route.resource].get(id) : undefined;
        if (!record)
          throw new ManageError(404, {
            code: 'NotFound',
            message: `${route.label} ${request.params.id} not found`,
          });
        return request.query.fields ? project(record, request.query.fields) : record;
      },
    );
  }

  app.get(`${api}/system/info`, { preHandler: guard(null) }, async () => ({
    version: `v${codebase.replace(/^v/, '').replace(/\/$/, '').replace('_', '.')}.10451`,
    isCloud: true,
    serverTimeZone: 'Eastern Standard Time',
    licenseBits: [{ name: 'Callbacks', activeFlag: true }],
    cloudRegion: 'NA',
    maxWorkFlowRecordsAllowed: 10000,
  }));

  const memberRecord = (m: ApiMember) => ({
    id: m.memberRecId,
    identifier: m.identifier,
    firstName: m.identifier,
    inactiveFlag: false,
    licenseClass: 'A',
    _info: { lastUpdated: '2024-01-01T00:00:00Z', updatedBy: m.identifier },
  });
  app.get(`${api}/system/members`, { preHandler: guard('System / Member Maintenance') }, async () =>
    members.map(memberRecord),
  );
  app.get(`${api}/system/members/count`, { preHandler: guard('System / Member Maintenance') }, async () => ({
    count: members.length,
  }));
  app.get(`${api}/system/reports`, { preHandler: guard('System / API Reports') }, async () => [
    { name: 'Company' },
    { name: 'Configuration' },
    { name: 'Contact' },
  ]);
  app.get(`${api}/system/reports/count`, { preHandler: guard('System / API Reports') }, async () => ({
    count: 3,
  }));

  // ---- callbacks registration ----
  const callbackGuard = guard('System / Table Setup');
  app.get(`${api}/system/callbacks`, { preHandler: callbackGuard }, async () => [...callbacks.values()]);
  app.get(`${api}/system/callbacks/count`, { preHandler: callbackGuard }, async () => ({
    count: callbacks.size,
  }));
  app.get<{ Params: { id: string } }>(
    `${api}/system/callbacks/:id`,
    { preHandler: callbackGuard },
    async (request) => {
      const entry = callbacks.get(Number(request.params.id));
      if (!entry)
        throw new ManageError(404, {
          code: 'NotFound',
          message: `CallbackEntry ${request.params.id} not found`,
        });
      return entry;
    },
  );
  app.delete<{ Params: { id: string } }>(
    `${api}/system/callbacks/:id`,
    { preHandler: callbackGuard },
    async (request, reply) => {
      if (!callbacks.delete(Number(request.params.id))) {
        throw new ManageError(404, {
          code: 'NotFound',
          message: `CallbackEntry ${request.params.id} not found`,
        });
      }
      return reply.code(204).send();
    },
  );
  app.post<{ Body: Record<string, unknown> }>(
    `${api}/system/callbacks`,
    { preHandler: callbackGuard },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const errors: Array<{ code: string; message: string; resource: string; field: string }> = [];
      const url = typeof body['url'] === 'string' ? body['url'] : '';
      let urlValid = false;
      try {
        urlValid = ['http:', 'https:'].includes(new URL(url).protocol);
      } catch {
        urlValid = false;
      }
      if (!url)
        errors.push({
          code: 'MissingRequiredField',
          message: 'The url field is required.',
          resource: 'callbackEntry',
          field: 'url',
        });
      else if (!urlValid)
        errors.push({
          code: 'InvalidField',
          message: 'Invalid URL',
          resource: 'callbackEntry',
          field: 'url',
        });
      const type = typeof body['type'] === 'string' ? body['type'].toLowerCase() : '';
      const level = typeof body['level'] === 'string' ? body['level'].toLowerCase() : '';
      if (!type)
        errors.push({
          code: 'MissingRequiredField',
          message: 'The type field is required.',
          resource: 'callbackEntry',
          field: 'type',
        });
      else if (!callbackLevels[type])
        errors.push({
          code: 'InvalidField',
          message: `Unrecognized type ${String(body['type'])}`,
          resource: 'callbackEntry',
          field: 'type',
        });
      if (!level)
        errors.push({
          code: 'MissingRequiredField',
          message: 'The level field is required.',
          resource: 'callbackEntry',
          field: 'level',
        });
      else if (callbackLevels[type] && !callbackLevels[type]?.includes(level)) {
        errors.push({
          code: 'InvalidField',
          message: `Unrecognized level for type ${String(body['type'])}`,
          resource: 'callbackEntry',
          field: 'level',
        });
      }
      if (typeof body['objectId'] !== 'number') {
        errors.push({
          code: 'MissingRequiredField',
          message: 'The objectId field is required.',
          resource: 'callbackEntry',
          field: 'objectId',
        });
      }
      if (errors.length > 0) {
        throw new ManageError(400, {
          code: 'InvalidObject',
          message: 'callbackEntry object is invalid',
          errors,
        });
      }
      const member = memberOf(request);
      const entry: CallbackEntry = {
        id: nextCallbackId++,
        ...(typeof body['description'] === 'string' ? { description: body['description'] } : {}),
        url,
        objectId: body['objectId'] as number,
        type: String(body['type']),
        level: String(body['level']),
        memberId: member.memberRecId,
        payloadVersion: typeof body['payloadVersion'] === 'string' ? body['payloadVersion'] : '3.0.0',
        inactiveFlag: body['inactiveFlag'] === true,
        isSoapCallbackFlag: false,
        isSelfSuppressedFlag: body['isSelfSuppressedFlag'] === true,
        connectWiseID: newGuid(),
        _info: { lastUpdated: state.stamp(), updatedBy: companyId },
      };
      callbacks.set(entry.id, entry);
      return reply.code(201).send(entry);
    },
  );

  // ---- paging, conditions, fields ----
  function filterOf(query: ListQuery, route: ResourceRoute): Predicate {
    const catalogue = state.catalogues[route.resource];
    const parts: Predicate[] = [];
    const compile = (text: string | undefined, cat: FieldCatalogue, field: string, array?: string) => {
      if (text === undefined || text.trim() === '') return;
      try {
        const predicate = compileConditions(parseConditions(text), cat);
        if (array) {
          parts.push((record) => {
            const items = readPath(record, array);
            return Array.isArray(items) && items.some((item) => predicate(item));
          });
        } else parts.push(predicate);
      } catch (error) {
        if (error instanceof ConditionError)
          throw invalid(route.entity, 'InvalidField', error.message, field);
        throw error;
      }
    };
    compile(query.conditions, catalogue, 'conditions');
    if (route.resource === 'contacts') {
      compile(
        query.childConditions,
        state.childCatalogues['communicationItems'] as FieldCatalogue,
        'childConditions',
        'communicationItems',
      );
    }
    compile(
      query.customFieldConditions,
      state.childCatalogues['customFields'] as FieldCatalogue,
      'customFieldConditions',
      'customFields',
    );
    return (record) => parts.every((p) => p(record));
  }

  /** Case- and accent-insensitive string order, like SQL Server's default collation. */
  const collator = new Intl.Collator('en', { sensitivity: 'base' });

  function orderOf(text: string, route: ResourceRoute) {
    const catalogue = state.catalogues[route.resource];
    const keys = text.split(',').map((part) => {
      const [field, direction = 'asc', extra] = part.trim().split(/\s+/);
      const dir = direction.toLowerCase();
      if (!field || extra !== undefined || (dir !== 'asc' && dir !== 'desc')) {
        throw invalid(route.entity, 'InvalidField', `Invalid orderBy clause '${part.trim()}'.`, 'orderBy');
      }
      try {
        const { path, kind } = resolveField(catalogue, field);
        return { path, kind, sign: dir === 'desc' ? -1 : 1 };
      } catch (error) {
        if (error instanceof ConditionError)
          throw invalid(route.entity, 'InvalidField', error.message, 'orderBy');
        throw error;
      }
    });
    return (a: StoredRecord, b: StoredRecord) => {
      for (const key of keys) {
        const x = catalogue.read(a, key.path);
        const y = catalogue.read(b, key.path);
        if (x === y) continue;
        if (x === undefined || x === null) return -1 * key.sign;
        if (y === undefined || y === null) return 1 * key.sign;
        const cmp =
          typeof x === 'string' && typeof y === 'string' && key.kind === 'string'
            ? collator.compare(x, y)
            : x < y
              ? -1
              : x > y
                ? 1
                : 0;
        if (cmp !== 0) return cmp * key.sign;
      }
      return a.id - b.id;
    };
  }

  function intParam(value: string | undefined, name: string, route: ResourceRoute): number | undefined {
    if (value === undefined || value === '') return undefined;
    if (!/^-?\d+$/.test(value))
      throw invalid(route.entity, 'InvalidField', `${name} must be an integer.`, name);
    return Number(value);
  }

  function listPage(
    request: FastifyRequest<{ Querystring: ListQuery }>,
    route: ResourceRoute,
    all: readonly StoredRecord[],
    firstAfter: (id: number) => number,
  ): { items: unknown[]; link?: string } {
    const query = request.query;
    let pageSize = intParam(query.pageSize, 'pageSize', route) ?? 25;
    if (pageSize < 1 || pageSize > 1000) {
      if (pageSize > 1000 && options.pageSizeOverflow === 'cap') pageSize = 1000;
      else throw invalid(route.entity, 'OutOfRange', 'pageSize must be between 1 and 1000.', 'pageSize');
    }
    const predicate = filterOf(query, route);
    const selfUrl = new URL(request.url, baseUrl);
    const link = (params: Record<string, string>, rel: string) => {
      const url = new URL(selfUrl);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return `<${url.toString()}>; rel="${rel}"`;
    };
    const forwardOnly =
      String(request.headers['pagination-type'] ?? '').toLowerCase() === 'forward-only' &&
      !forwardOnlyUnsupported.has(route.path);
    const finish = (items: StoredRecord[]) =>
      query.fields ? items.map((r) => project(r, query.fields as string)) : items;

    if (forwardOnly) {
      if (query.orderBy)
        throw invalid(
          route.entity,
          'InvalidField',
          'orderBy is not supported with forward-only pagination.',
          'orderBy',
        );
      const pageId = intParam(query.pageId, 'pageId', route) ?? 0;
      const items: StoredRecord[] = [];
      for (let i = firstAfter(pageId); i < all.length && items.length < pageSize; i++) {
        const record = all[i] as StoredRecord;
        if (predicate(record)) items.push(record);
      }
      const last = items[items.length - 1];
      return {
        items: finish(items),
        ...(last ? { link: link({ pageId: String(last.id), pageSize: String(pageSize) }, 'next') } : {}),
      };
    }

    let page = intParam(query.page, 'page', route) ?? 1;
    if (page < 1) page = 1; // page=0 (connectwise-rest's documented default) is treated as page 1
    let matching = all.filter(predicate);
    if (query.orderBy) matching = [...matching].sort(orderOf(query.orderBy, route));
    const lastPage = Math.max(1, Math.ceil(matching.length / pageSize));
    const items = matching.slice((page - 1) * pageSize, page * pageSize);
    const links = [link({ page: '1', pageSize: String(pageSize) }, 'first')];
    if (page > 1)
      links.push(link({ page: String(Math.min(page - 1, lastPage)), pageSize: String(pageSize) }, 'prev'));
    if (page < lastPage) links.push(link({ page: String(page + 1), pageSize: String(pageSize) }, 'next'));
    links.push(link({ page: String(lastPage), pageSize: String(pageSize) }, 'last'));
    return { items: finish(items), link: links.join(', ') };
  }

  // ---- mutations (fire callbacks) ----
  const fire = (resource: MutableResource, action: CallbackPayload['Action'], record: StoredRecord) => {
    const { type } = entityNames[resource];
    const member = members[0];
    for (const entry of callbacks.values()) {
      if (entry.inactiveFlag || entry.type.toLowerCase() !== type) continue;
      if (!callbackMatches(entry, record)) continue;
      const payload: CallbackPayload = {
        Action: action,
        CallbackObjectRecId: entry.id,
        CompanyId: companyId,
        Entity: action === 'deleted' ? null : JSON.stringify(record),
        FromUrl: host(),
        ID: record.id,
        MemberId: member?.identifier ?? 'ApiMember',
        MessageId: newGuid(),
        Metadata: {
          key_url: `${baseUrl}/${codebase}/system/callbackkey/index.rails?companyName=${encodeURIComponent(companyId)}&id=${signingKeyId}`,
        },
        PartnerId: '61ddc2817bcddc0001c74208',
        ProductInstanceId: '639c96cab2eb560001dd1324',
        Type: type,
      };
      const body = JSON.stringify(payload);
      const signature = signCallbackBody(body, signingKey);
      const url = `${entry.url}${record.id}`;
      const firedAt = Date.now();
      const job = deliverCallback(url, body, signature, delivery).then(({ status, attempts }) => {
        deliveries.push({
          callbackId: entry.id,
          url,
          action,
          type,
          recordId: record.id,
          attempts,
          status,
          body,
          signature,
          firedAt,
          finishedAt: Date.now(),
        });
      });
      pending.add(job);
      void job.finally(() => pending.delete(job));
    }
  };

  const callbackMatches = (entry: CallbackEntry, record: StoredRecord): boolean => {
    const level = entry.level.toLowerCase();
    if (level === 'owner') return true;
    const refId = (path: string) => readPath(record, path);
    switch (level) {
      case 'company':
        return entry.type.toLowerCase() === 'company'
          ? record.id === entry.objectId
          : refId('company/id') === entry.objectId;
      case 'contact':
      case 'configuration':
        return record.id === entry.objectId;
      case 'status':
        return refId('status/id') === entry.objectId;
      case 'type':
        return (
          refId('type/id') === entry.objectId ||
          (Array.isArray(record['types']) &&
            (record['types'] as Array<{ id: number }>).some((t) => t.id === entry.objectId))
        );
      case 'territory':
        return refId('territory/id') === entry.objectId;
      default:
        return false;
    }
  };

  const mutate: Mutations = {
    update(resource, id, patch) {
      const collection = state.collections[resource];
      const current = collection.get(id);
      if (!current)
        throw new ManageError(404, {
          code: 'NotFound',
          message: `${entityNames[resource].label} ${id} not found`,
        });
      const { id: _ignoredId, _info: _ignoredInfo, ...changes } = patch;
      const next: StoredRecord = state.touch({ ...current, ...changes, id });
      for (const [key, value] of Object.entries(next))
        if (value === null || value === undefined) delete next[key];
      collection.put(next);
      if (resource === 'companies' && ('name' in changes || 'identifier' in changes)) {
        // company references embedded in other records follow the company (their lastUpdated does not change)
        const ref = state.companyReference(next);
        for (const other of ['configurations', 'contacts'] as const) {
          for (const record of state.collections[other].all()) {
            if ((record['company'] as { id?: number } | undefined)?.id === id)
              (record as Record<string, unknown>)['company'] = ref;
          }
        }
      }
      fire(resource, 'updated', next);
      return next;
    },
    add(resource, record) {
      const collection = state.collections[resource];
      const id = typeof record['id'] === 'number' ? record['id'] : collection.maxId() + 1;
      if (collection.get(id))
        throw new ManageError(409, {
          code: 'Conflict',
          message: `${entityNames[resource].label} ${id} already exists`,
        });
      const companyRefId = (record['company'] as { id?: number } | undefined)?.id;
      const company = companyRefId !== undefined ? state.collections.companies.get(companyRefId) : undefined;
      const base: StoredRecord = {
        ...record,
        id,
        ...(company ? { company: state.companyReference(company) } : {}),
      };
      const next = state.touch(base);
      collection.put(next);
      fire(resource, 'added', next);
      return next;
    },
    remove(resource, id) {
      const collection = state.collections[resource];
      const current = collection.get(id);
      if (!current)
        throw new ManageError(404, {
          code: 'NotFound',
          message: `${entityNames[resource].label} ${id} not found`,
        });
      if (resource === 'companies') {
        const stamp = state.stamp();
        const next = state.touch({
          ...current,
          deletedFlag: true,
          dateDeleted: stamp,
          deletedBy: members[0]?.identifier ?? 'ApiMember',
        });
        collection.put(next);
        fire(resource, 'deleted', next);
        return next;
      }
      collection.remove(id);
      fire(resource, 'deleted', current);
      return current;
    },
  };

  // ---- /_sim control routes (tests and demos only) ----
  const mutableResources = new Set<string>(['companies', 'configurations', 'contacts']);
  const resourceParam = (name: string): MutableResource => {
    if (!mutableResources.has(name))
      throw new ManageError(404, { code: 'NotFound', message: `Unknown resource ${name}` });
    return name as MutableResource;
  };
  app.get('/_sim/counters', async () => Object.fromEntries(counters));
  app.delete('/_sim/counters', async (_request, reply) => {
    counters.clear();
    return reply.code(204).send();
  });
  app.get('/_sim/faults', async () => faults);
  app.put<{ Body: FaultSettings }>('/_sim/faults', async (request) => {
    faults = { ...(request.body ?? {}) };
    rateWindow.length = 0;
    return faults;
  });
  app.get('/_sim/state', async () => ({
    companyId,
    codebase,
    counts: Object.fromEntries(Object.entries(state.collections).map(([k, v]) => [k, v.size])),
    maxIds: Object.fromEntries(Object.entries(state.collections).map(([k, v]) => [k, v.maxId()])),
    callbacks: callbacks.size,
  }));
  app.get('/_sim/callbacks/deliveries', async () => deliveries);
  app.get('/_sim/health', async () => ({ status: 'ok' }));
  /** A hosted upgrade: the codebase changes and the old one answers 404 (clients must rediscover it). */
  app.put<{ Body: { codebase?: string } }>('/_sim/codebase', async (request) => {
    const next = request.body?.codebase ?? '';
    if (!/^[A-Za-z0-9_]+\/$/.test(next)) {
      throw new ManageError(400, { code: 'InvalidObject', message: 'codebase must look like v2026_1/' });
    }
    codebase = next;
    codebases = new Set([codebase.replace(/\/$/, ''), 'v4_6_release']);
    simulator.options.codebase = codebase;
    simulator.apiUrl = simulator.url ? `${simulator.url}/${codebase}apis/3.0` : '';
    return { codebase };
  });
  app.put<{ Params: { publicKey: string }; Body: { grants: ManageGrant[] } }>(
    '/_sim/members/:publicKey/grants',
    async (request) => {
      const member = members.find((m) => m.publicKey === request.params.publicKey);
      if (!member) throw new ManageError(404, { code: 'NotFound', message: 'Member not found' });
      const unknown = (request.body?.grants ?? []).filter(
        (g) => !(manageGrants as readonly string[]).includes(g),
      );
      if (unknown.length > 0)
        throw new ManageError(400, {
          code: 'InvalidObject',
          message: `Unknown grants: ${unknown.join(', ')}`,
        });
      member.grants = [...(request.body?.grants ?? [])];
      return { identifier: member.identifier, grants: member.grants };
    },
  );
  app.post<{ Params: { resource: string }; Body: Record<string, unknown> }>(
    '/_sim/:resource',
    async (request, reply) =>
      reply.code(201).send(mutate.add(resourceParam(request.params.resource), request.body ?? {})),
  );
  app.patch<{ Params: { resource: string; id: string }; Body: Record<string, unknown> }>(
    '/_sim/:resource/:id',
    async (request) =>
      mutate.update(resourceParam(request.params.resource), Number(request.params.id), request.body ?? {}),
  );
  app.delete<{ Params: { resource: string; id: string } }>('/_sim/:resource/:id', async (request) =>
    mutate.remove(resourceParam(request.params.resource), Number(request.params.id)),
  );
  /** Bumps `lastUpdated` on the given ids (or the first `count` records) without other changes. */
  app.post<{ Params: { resource: string }; Body: { ids?: number[]; count?: number } }>(
    '/_sim/:resource/touch',
    async (request) => {
      const resource = resourceParam(request.params.resource);
      const ids =
        request.body?.ids ??
        state.collections[resource]
          .all()
          .slice(0, request.body?.count ?? 1)
          .map((r) => r.id);
      return ids.map((id) => mutate.update(resource, id, {}).id);
    },
  );

  const simulator: ManageSimulator = {
    app,
    state,
    options: { companyId, codebase },
    members,
    url: '',
    apiUrl: '',
    signingKey,
    deliveries,
    mutate,
    async listen(port = 0, listenHost = '127.0.0.1') {
      await app.listen({ port, host: listenHost });
      const address = app.server.address() as AddressInfo;
      baseUrl = `${options.https ? 'https' : 'http'}://${listenHost}:${address.port}`;
      simulator.url = baseUrl;
      simulator.apiUrl = `${baseUrl}/${codebase}apis/3.0`;
      return baseUrl;
    },
    async close() {
      await Promise.allSettled([...pending]);
      await app.close();
    },
    setFaults(next) {
      faults = { ...next };
      rateWindow.length = 0;
    },
    counters: () => Object.fromEntries(counters),
    async settleCallbacks() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
  return simulator;
}

/** `fields=id,name,status/id`: keeps only the listed paths (nested with `/`). Unknown paths are ignored. */
export function project(record: StoredRecord, fields: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const raw of fields.split(',')) {
    const path = raw.trim();
    if (!path) continue;
    const parts = path.split('/');
    const value = readPath(record, path === 'lastUpdated' ? '_info/lastUpdated' : path);
    if (value === undefined) continue;
    const target = path === 'lastUpdated' ? ['_info', 'lastUpdated'] : parts;
    let node = out;
    target.forEach((part, i) => {
      if (i === target.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}
