/** `npm run console:build`: builds console/dist/ (the local runtime also does this when it is stale). */
import { buildConsole } from '../local/console-assets.ts';

const started = Date.now();
const dist = await buildConsole();
process.stdout.write(`built ${dist} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
