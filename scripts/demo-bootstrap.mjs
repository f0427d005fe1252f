// `npm run demo` on a fresh clone: install what is missing, then run the demo. Plain JS because
// nothing (not even tsx) may be installed yet.
import { execSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(`${root}node_modules/.package-lock.json`)) {
  console.log('Installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
const python = process.env.IDC_LEASE_PYTHON ?? 'python3';
const moto = spawnSync(python, ['-c', 'import moto, flask'], { stdio: 'ignore' });
if (moto.status !== 0) {
  console.log('Installing the AWS emulator (pip install "moto[server]")…');
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', 'moto[server]'], { stdio: 'inherit' });
  if (pip.status !== 0) {
    console.error('Could not install moto. Install it yourself: pip install "moto[server]"');
    process.exit(1);
  }
}
const run = spawn(process.execPath, ['--import', 'tsx', `${root}scripts/demo.ts`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});
// Ctrl-C reaches the whole terminal's process group, but a SIGTERM (to npm, which passes it on)
// reaches this process alone: hand it to the demo, which stops its runtime, and leave with it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => run.kill(signal));
run.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
