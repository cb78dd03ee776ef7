// Jest globalSetup for projects with integration tests: makes sure the real local stack (Kafka broker
// and FerretDB) is running and puts its addresses in KAFKA_BROKERS / MONGO_URL for the test workers.
// Addresses already in the environment win: then nothing is started.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const stack = path.join(__dirname, '..', 'stack', 'stack');

module.exports = async function stackSetup() {
  if (process.env.KAFKA_BROKERS && process.env.MONGO_URL) return;
  try {
    execFileSync(stack, ['start'], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    throw new Error(`The local stack did not start (see its output above): ${error.message}`);
  }
  const env = execFileSync(stack, ['env'], { encoding: 'utf8' });
  for (const line of env.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) process.env[match[1]] = match[2].replace(/^['"]|['"]$/g, '');
  }
};
