import { parseArgs } from 'node:util';
import { startLocalRuntime } from './runtime.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    policy: { type: 'string' },
    port: { type: 'string', default: '8787' },
  },
});

const runtime = await startLocalRuntime({
  seed: values.seed,
  policy: values.policy,
  port: Number(values.port),
  logLevel: 'INFO',
});
process.stdout.write(`READY ${runtime.url}\n`);
process.stderr.write(`console: ${runtime.info.consoleUrl} (sign in at ${runtime.info.idpUrl})\n`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await runtime.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
