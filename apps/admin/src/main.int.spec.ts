import { randomBytes } from 'node:crypto';
import { serviceProbeSuite } from '@cw-hudu-sync/testing';

// The admin service needs these to start; values for the probe run only.
process.env['ADMIN_TOKEN'] ??= randomBytes(24).toString('hex');
process.env['CWHS_ENCRYPTION_KEYS'] ??= `k1:${randomBytes(32).toString('base64')}`;

serviceProbeSuite('admin');
