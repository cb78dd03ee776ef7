import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets at rest (the Manage private key, the Hudu API key) with AES-256-GCM.
 *
 * Keys come from the environment as `CWHS_ENCRYPTION_KEYS="<id>:<base64 32 bytes>[,<id>:<base64>…]"`; the
 * first key encrypts, every key decrypts, so a key can be rotated by putting the new one first and
 * re-saving. A sealed value is `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts) and carries no hint
 * of the plaintext but its length. The integration id is bound as additional authenticated data, so a
 * sealed secret copied onto another integration does not decrypt.
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly currentId: string;

  constructor(keys: ReadonlyArray<{ id: string; key: Buffer }>) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    for (const { id, key } of keys) {
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
        throw new Error(`encryption key id "${id}" must be 1-32 letters, digits, - or _`);
      if (key.length !== 32)
        throw new Error(`encryption key "${id}" must be 32 bytes (base64 of 32 random bytes)`);
    }
    this.keys = new Map(keys.map(({ id, key }) => [id, key]));
    if (this.keys.size !== keys.length) throw new Error('encryption key ids must be unique');
    this.currentId = keys[0]!.id;
  }

  /** Parses `CWHS_ENCRYPTION_KEYS`. The error names the variable, never a key. */
  static fromEnvironment(value: string | undefined, variable = 'CWHS_ENCRYPTION_KEYS'): SecretBox {
    if (!value || value.trim() === '') {
      throw new Error(
        `${variable} is required: "<id>:<base64 of 32 random bytes>" (e.g. k1:$(openssl rand -base64 32))`,
      );
    }
    const keys = value.split(',').map((entry, index) => {
      const separator = entry.indexOf(':');
      if (separator <= 0) throw new Error(`${variable}: entry ${index + 1} must look like <id>:<base64 key>`);
      const id = entry.slice(0, separator).trim();
      const key = Buffer.from(entry.slice(separator + 1).trim(), 'base64');
      return { id, key };
    });
    try {
      return new SecretBox(keys);
    } catch (error) {
      throw new Error(`${variable}: ${(error as Error).message}`);
    }
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      'v1',
      this.currentId,
      iv.toString('base64url'),
      tag.toString('base64url'),
      ciphertext.toString('base64url'),
    ].join(':');
  }

  open(sealed: string, context: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 5 || parts[0] !== 'v1') throw new Error('not a sealed secret');
    const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`sealed with unknown key "${keyId}"; add it to the key list to decrypt`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new Error('sealed secret does not decrypt (wrong key or context, or tampered)');
    }
  }

  /** The id of the key a sealed value was encrypted with, to find values due for re-encryption. */
  static keyIdOf(sealed: string): string | undefined {
    const parts = sealed.split(':');
    return parts.length === 5 && parts[0] === 'v1' ? parts[1] : undefined;
  }

  needsRotation(sealed: string): boolean {
    return SecretBox.keyIdOf(sealed) !== this.currentId;
  }
}
