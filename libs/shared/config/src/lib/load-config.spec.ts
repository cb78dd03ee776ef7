import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import { serviceEnvironmentSchema } from './variables';

const valid = {
  KAFKA_BROKERS: '127.0.0.1:19092, kafka-2:9092',
  MONGO_URL: 'mongodb://127.0.0.1:27117/cw?directConnection=true',
};

describe('loadConfig', () => {
  it('parses a valid environment and applies defaults', () => {
    const config = loadConfig(serviceEnvironmentSchema, valid);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:19092', 'kafka-2:9092']);
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(20000);
  });

  it('names every missing variable', () => {
    expect(() => loadConfig(serviceEnvironmentSchema, {}, 'fetcher')).toThrow(ConfigError);
    try {
      loadConfig(serviceEnvironmentSchema, {}, 'fetcher');
    } catch (e) {
      const err = e as ConfigError;
      expect(err.message).toContain('for fetcher');
      expect(err.problems.map((p) => p.variable).sort()).toEqual(['KAFKA_BROKERS', 'MONGO_URL']);
      expect(err.message).toContain('KAFKA_BROKERS: is required but not set');
    }
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig(serviceEnvironmentSchema, { ...valid, HTTP_PORT: '  ' });
    expect(config.HTTP_PORT).toBe(8080);
  });

  it.each([
    ['HTTP_PORT', 'eighty', 'must be a port number'],
    ['HTTP_PORT', '70000', 'between 0 and 65535'],
    ['KAFKA_BROKERS', 'localhost', 'host:port'],
    ['MONGO_URL', 'postgres://x/y', 'mongodb://'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
  ])('rejects malformed %s=%s with a clear message', (variable, value, expected) => {
    expect(() => loadConfig(serviceEnvironmentSchema, { ...valid, [variable]: value })).toThrow(
      expect.objectContaining({ message: expect.stringContaining(expected) }),
    );
  });

  it('never echoes the offending value (it may be a secret)', () => {
    const schema = z.object({ HUDU_API_KEY: z.string().min(32, 'must be at least 32 characters') });
    expect(() => loadConfig(schema, { HUDU_API_KEY: 'short-secret-value' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('short-secret-value') }),
    );
  });
});
