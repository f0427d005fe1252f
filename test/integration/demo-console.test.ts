import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// What a newcomer runs: `npm run demo -- --console`, i.e. the bootstrap script, with a runtime of
// its own (a free port here, so it cannot collide with anyone's `npm run local`). npm passes
// SIGTERM on to the script and then ends itself by the same signal, so the script is what is run.
describe('npm run demo -- --console', () => {
  it('runs one lease, prints the console URL, serves it until SIGTERM, then stops its runtime and exits 0', async () => {
    // Prepare
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: { demo: string } };
    expect(pkg.scripts.demo).toBe('node scripts/demo-bootstrap.mjs');
    const demo = spawn(process.execPath, ['scripts/demo-bootstrap.mjs', '--console', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    const consoleUrl = new Promise<string>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /The web console stays up at (\S+)/.exec(output)?.[1];
        if (found) resolve(found);
      };
      demo.stdout.on('data', read);
      demo.stderr.on('data', read);
      void exited.then((code) => reject(new Error(`the demo exited (${code}) first:\n${output}`)));
    });

    // Act
    const url = await consoleUrl;
    const page = await fetch(url);
    const html = await page.text();
    const info = (await (await fetch(new URL('/_local/info', url))).json()) as { awsEndpoint: string };
    const idp = await (await fetch(new URL('/_local/idp', url))).text();
    demo.kill('SIGTERM');
    const code = await exited;

    // Assess
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console\/$/);
    expect(output).toMatch(/bob requested AdministratorAccess .* PENDING_APPROVAL/);
    expect(output).toContain('ENDED (EXPIRED)');
    expect(page.status).toBe(200);
    expect(html).toContain('<base href="/console/" />');
    expect(idp).toContain('Sign in as bob');
    expect(code).toBe(0);
    expect(output).toContain('stopped the local runtime');
    // Nothing it started is left: neither the console's server nor the emulator answers.
    await expect(fetch(url)).rejects.toThrow();
    await expect(fetch(`${info.awsEndpoint}/_idc/calls`)).rejects.toThrow();
  }, 240_000);
});
