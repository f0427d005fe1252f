import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// What a newcomer runs, through npm: `npm run demo -- --console`, with a runtime of its own (a free
// port here, so it cannot collide with anyone's `npm run local`). npm passes a SIGTERM on to its
// script's process only, which is why the script `exec`s the bootstrap, which passes it on again.
describe('npm run demo -- --console', () => {
  it('runs one lease, prints the console URL, serves it until SIGTERM to npm, then stops its runtime', async () => {
    // Prepare: a process group of its own, so that whatever happens nothing outlives the test.
    const demo = spawn('npm', ['run', '--silent', 'demo', '--', '--console', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      demo.once('close', (code, signal) => resolve({ code, signal })),
    );
    const consoleUrl = new Promise<string>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /The web console stays up at (\S+)/.exec(output)?.[1];
        if (found) resolve(found);
      };
      demo.stdout.on('data', read);
      demo.stderr.on('data', read);
      void exited.then((how) =>
        reject(new Error(`the demo exited (${JSON.stringify(how)}) first:\n${output}`)),
      );
    });

    try {
      // Act
      const url = await consoleUrl;
      const page = await fetch(url);
      const html = await page.text();
      const info = (await (await fetch(new URL('/_local/info', url))).json()) as { awsEndpoint: string };
      const idp = await (await fetch(new URL('/_local/idp', url))).text();
      demo.kill('SIGTERM');
      // A deadline, so that a demo that ignores the signal fails here and the group is killed.
      const how = await Promise.race([
        exited,
        new Promise((resolve) => setTimeout(() => resolve('still running 60 s after SIGTERM'), 60_000)),
      ]);

      // Assess
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console\/$/);
      expect(output).toMatch(/bob requested AdministratorAccess .* PENDING_APPROVAL/);
      expect(output).toContain('ENDED (EXPIRED)');
      expect(page.status).toBe(200);
      expect(html).toContain('<base href="/console/" />');
      expect(idp).toContain('Sign in as bob');
      // A clean stop: the demo exits 0, and so do the bootstrap and npm after it.
      expect(how).toEqual({ code: 0, signal: null });
      // Printed once the runtime's stop has finished; then nothing it started still answers.
      expect(output).toContain('stopped the local runtime');
      await expect(fetch(url)).rejects.toThrow();
      await expect(fetch(`${info.awsEndpoint}/_idc/calls`)).rejects.toThrow();
    } finally {
      try {
        process.kill(-(demo.pid as number), 'SIGKILL');
      } catch {
        // The group is gone already: the normal case.
      }
    }
  }, 240_000);
});
