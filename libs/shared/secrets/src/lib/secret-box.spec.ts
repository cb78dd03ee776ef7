import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('SecretBox', () => {
  const k1 = key('k1');
  const box = new SecretBox([k1]);

  it('round-trips and never contains the plaintext', () => {
    const sealed = box.seal('my-private-key-123', 'integration:acme');
    expect(sealed).not.toContain('my-private-key-123');
    expect(sealed.startsWith('v1:k1:')).toBe(true);
    expect(box.open(sealed, 'integration:acme')).toBe('my-private-key-123');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('x', 'c')).not.toBe(box.seal('x', 'c'));
  });

  it('refuses another context (a secret copied to another integration)', () => {
    const sealed = box.seal('secret', 'integration:acme');
    expect(() => box.open(sealed, 'integration:evil')).toThrow('does not decrypt');
  });

  it('detects tampering', () => {
    const parts = box.seal('secret', 'c').split(':');
    const flipped = Buffer.from(parts[4]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    parts[4] = flipped.toString('base64url');
    expect(() => box.open(parts.join(':'), 'c')).toThrow('does not decrypt');
  });

  it('rotates: new key first encrypts, old keys still decrypt, and old values are flagged', () => {
    const old = box.seal('secret', 'c');
    const rotated = new SecretBox([key('k2'), k1]);
    expect(rotated.open(old, 'c')).toBe('secret');
    expect(rotated.needsRotation(old)).toBe(true);
    expect(rotated.needsRotation(rotated.seal('secret', 'c'))).toBe(false);
    expect(() => new SecretBox([key('k3')]).open(old, 'c')).toThrow('unknown key "k1"');
  });

  it('parses the environment variable and explains mistakes without echoing keys', () => {
    const b64 = randomBytes(32).toString('base64');
    expect(SecretBox.fromEnvironment(`k1:${b64}`).seal('x', 'c')).toMatch(/^v1:k1:/);
    expect(() => SecretBox.fromEnvironment(undefined)).toThrow('CWHS_ENCRYPTION_KEYS is required');
    expect(() => SecretBox.fromEnvironment('nocolon')).toThrow('entry 1 must look like');
    const short = Buffer.from('too-short').toString('base64');
    expect(() => SecretBox.fromEnvironment(`k1:${short}`)).toThrow('must be 32 bytes');
    try {
      SecretBox.fromEnvironment(`k1:${short}`);
    } catch (e) {
      expect((e as Error).message).not.toContain(short);
    }
    expect(() => SecretBox.fromEnvironment(`a:${b64},a:${b64}`)).toThrow('unique');
  });

  it('rejects garbage', () => {
    expect(() => box.open('plain text', 'c')).toThrow('not a sealed secret');
  });
});
