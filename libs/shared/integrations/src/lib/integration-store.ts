import { type Connection, type Model, Schema } from 'mongoose';
import { isDuplicateKeyError } from '@cw-hudu-sync/persistence';
import type { SecretBox } from '@cw-hudu-sync/secrets';
import {
  continuousSyncOf,
  type ContinuousSyncSettings,
  type IntegrationCredentials,
  type IntegrationOptions,
  type IntegrationPatch,
  integrationOptionsSchema,
  integrationPatchSchema,
  type IntegrationView,
  type NewIntegration,
  newIntegrationSchema,
} from './settings';

interface IntegrationDocument {
  _id: string;
  name: string;
  manage: {
    siteUrl: string;
    companyId: string;
    publicKey: string;
    clientId: string;
    privateKeySealed: string;
  };
  hudu: { baseUrl: string; apiKeySealed: string };
  options: IntegrationOptions;
  discoveredConfigurationTypes: Array<{ id: number; name: string; count: number }>;
  createdAt: Date;
  updatedAt: Date;
}

export class IntegrationExistsError extends Error {
  constructor(id: string) {
    super(`integration "${id}" already exists`);
    this.name = 'IntegrationExistsError';
  }
}

export class IntegrationNotFoundError extends Error {
  constructor(id: string) {
    super(`integration "${id}" does not exist`);
    this.name = 'IntegrationNotFoundError';
  }
}

const schema = new Schema<IntegrationDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    manage: {
      siteUrl: { type: String, required: true },
      companyId: { type: String, required: true },
      publicKey: { type: String, required: true },
      clientId: { type: String, required: true },
      privateKeySealed: { type: String, required: true },
    },
    hudu: {
      baseUrl: { type: String, required: true },
      apiKeySealed: { type: String, required: true },
    },
    options: { type: Schema.Types.Mixed, required: true },
    discoveredConfigurationTypes: {
      type: [{ id: Number, name: String, count: Number, _id: false }],
      default: [],
    },
  },
  { timestamps: true, versionKey: false, collection: 'integrations' },
);

/** The sealed-secret context binds a secret to its integration and purpose. */
const context = (id: string, what: 'manage-private-key' | 'hudu-api-key') => `integration:${id}:${what}`;

/**
 * Integrations in MongoDB. Secrets are sealed with the SecretBox before they are stored and opened only
 * by `credentials()`; every other read returns the public view. Single-document writes only (FerretDB).
 */
export class IntegrationStore {
  private readonly model: Model<IntegrationDocument>;

  constructor(
    connection: Connection,
    private readonly secrets: SecretBox,
  ) {
    this.model =
      (connection.models['Integration'] as Model<IntegrationDocument> | undefined) ??
      connection.model<IntegrationDocument>('Integration', schema);
  }

  async create(input: NewIntegration): Promise<IntegrationView> {
    const parsed = newIntegrationSchema.parse(input);
    try {
      const created = await this.model.create({
        _id: parsed.id,
        name: parsed.name,
        manage: {
          siteUrl: parsed.manage.siteUrl,
          companyId: parsed.manage.companyId,
          publicKey: parsed.manage.publicKey,
          clientId: parsed.manage.clientId,
          privateKeySealed: this.secrets.seal(
            parsed.manage.privateKey,
            context(parsed.id, 'manage-private-key'),
          ),
        },
        hudu: {
          baseUrl: parsed.hudu.baseUrl,
          apiKeySealed: this.secrets.seal(parsed.hudu.apiKey, context(parsed.id, 'hudu-api-key')),
        },
        options: parsed.options,
        discoveredConfigurationTypes: [],
      });
      return toView(created.toObject());
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new IntegrationExistsError(parsed.id);
      throw error;
    }
  }

  async update(id: string, patch: IntegrationPatch): Promise<IntegrationView> {
    const parsed = integrationPatchSchema.parse(patch);
    const current = await this.model.findById(id).lean();
    if (!current) throw new IntegrationNotFoundError(id);
    const set: Record<string, unknown> = {};
    if (parsed.name !== undefined) set['name'] = parsed.name;
    for (const [key, value] of Object.entries(parsed.manage ?? {})) {
      if (value === undefined) continue;
      if (key === 'privateKey')
        set['manage.privateKeySealed'] = this.secrets.seal(value, context(id, 'manage-private-key'));
      else set[`manage.${key}`] = value;
    }
    for (const [key, value] of Object.entries(parsed.hudu ?? {})) {
      if (value === undefined) continue;
      if (key === 'apiKey') set['hudu.apiKeySealed'] = this.secrets.seal(value, context(id, 'hudu-api-key'));
      else set[`hudu.${key}`] = value;
    }
    if (parsed.options) {
      const { continuousSync, ...rest } = parsed.options;
      set['options'] = {
        ...current.options,
        ...stripUndefined(rest),
        // a partial change of continuous sync keeps the rest of it
        continuousSync: { ...continuousSyncOf(current.options), ...stripUndefined(continuousSync ?? {}) },
      };
    }
    const updated = await this.model
      .findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after' })
      .lean();
    if (!updated) throw new IntegrationNotFoundError(id);
    return toView(updated);
  }

  async get(id: string): Promise<IntegrationView | undefined> {
    const found = await this.model.findById(id).lean();
    return found ? toView(found) : undefined;
  }

  async list(): Promise<IntegrationView[]> {
    return (await this.model.find().sort({ _id: 1 }).lean()).map(toView);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: id });
    return result.deletedCount === 1;
  }

  /** Every integration's continuous-sync settings (what the scheduler reads each tick; no secrets). */
  async continuousSyncSettings(): Promise<Array<{ id: string; continuousSync: ContinuousSyncSettings }>> {
    const docs = await this.model.find({}, { _id: 1, options: 1 }).sort({ _id: 1 }).lean();
    return docs.map((doc) => ({ id: doc._id, continuousSync: continuousSyncOf(doc.options) }));
  }

  /** Decrypted settings for calling Manage and Hudu. Keep the result in memory only. */
  async credentials(id: string): Promise<IntegrationCredentials> {
    const found = await this.model.findById(id).lean();
    if (!found) throw new IntegrationNotFoundError(id);
    return {
      id,
      manage: {
        siteUrl: found.manage.siteUrl,
        companyId: found.manage.companyId,
        publicKey: found.manage.publicKey,
        clientId: found.manage.clientId,
        privateKey: this.secrets.open(found.manage.privateKeySealed, context(id, 'manage-private-key')),
      },
      hudu: {
        baseUrl: found.hudu.baseUrl,
        apiKey: this.secrets.open(found.hudu.apiKeySealed, context(id, 'hudu-api-key')),
      },
      options: withDefaults(found.options),
    };
  }

  /** Records the configuration types the last fetch found, with counts, for the admin to choose from. */
  async recordDiscoveredTypes(
    id: string,
    types: Array<{ id: number; name: string; count: number }>,
  ): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { discoveredConfigurationTypes: types } });
  }
}

/** Options as stored, with defaults for settings added after the integration was saved. */
function withDefaults(options: IntegrationOptions): IntegrationOptions {
  return { ...OPTION_DEFAULTS, ...options, continuousSync: continuousSyncOf(options) };
}
const OPTION_DEFAULTS = integrationOptionsSchema.parse({});

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toView(doc: IntegrationDocument): IntegrationView {
  return {
    id: doc._id,
    name: doc.name,
    manage: {
      siteUrl: doc.manage.siteUrl,
      companyId: doc.manage.companyId,
      publicKey: doc.manage.publicKey,
      clientId: doc.manage.clientId,
      privateKeySet: true,
    },
    hudu: { baseUrl: doc.hudu.baseUrl, apiKeySet: true },
    options: withDefaults(doc.options),
    discoveredConfigurationTypes: (doc.discoveredConfigurationTypes ?? []).map(({ id, name, count }) => ({
      id,
      name,
      count,
    })),
    createdAt: new Date(doc.createdAt).toISOString(),
    updatedAt: new Date(doc.updatedAt).toISOString(),
  };
}
