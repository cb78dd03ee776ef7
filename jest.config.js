// The whole suite in one Jest run (what tools/test uses, so one summary counts every project).
// Each project keeps its own jest.config.js for `nx test <project>`.
const { globSync } = require('node:fs');

module.exports = {
  // Global options (ignored inside project configs when several projects run together).
  testTimeout: 60_000,
  projects: globSync('{apps,libs,tools}/**/jest.config.js', { exclude: (p) => p.includes('node_modules') }).sort(),
};
