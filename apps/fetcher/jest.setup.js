// The fetcher refuses to start without CWHS_ENCRYPTION_KEYS; tests (and the service processes they spawn,
// which inherit this environment) get a throwaway key unless one is given.
if (!process.env.CWHS_ENCRYPTION_KEYS) {
  process.env.CWHS_ENCRYPTION_KEYS = `test:${require('node:crypto').randomBytes(32).toString('base64')}`;
}
