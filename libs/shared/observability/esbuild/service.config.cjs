/**
 * esbuild settings of every service bundle (apps/<app>/project.json: "esbuildConfig"). The services have
 * two entry points, their main.ts and the OpenTelemetry preload (libs/shared/observability/src/otel.ts,
 * "additionalEntryPoints"); esbuild would otherwise name the outputs after their paths relative to the
 * workspace root (dist/apps/<app>/apps/<app>/src/main.js). Flat names keep dist/apps/<app>/main.js where it
 * always was and put otel.js beside it, for `node --require dist/apps/<app>/otel.js dist/apps/<app>/main.js`.
 * Nx sets entryNames after reading this file, so a plugin sets it when the build starts.
 */
module.exports = {
  outExtension: { '.js': '.js' },
  plugins: [
    {
      name: 'cw-hudu-sync-flat-entry-names',
      setup(build) {
        build.initialOptions.entryNames = '[name]';
      },
    },
  ],
};
