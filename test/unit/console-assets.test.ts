import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { staleBecause } from '../../local/console-assets.ts';

const dirs: string[] = [];
const dist = (inputs?: string[], builtAt?: Date) => {
  const dir = mkdtempSync(join(tmpdir(), 'idc-lease-dist-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  if (inputs) {
    writeFileSync(join(dir, '.inputs.json'), JSON.stringify(inputs));
    if (builtAt) utimesSync(join(dir, '.inputs.json'), builtAt, builtAt);
  }
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('whether the console build is current', () => {
  const future = new Date(Date.now() + 3_600_000);

  it('is current when nothing it read changed since, and stale without a build record', () => {
    expect(staleBecause(dist(['console/src/main.tsx', 'core/duration.ts'], future))).toBeUndefined();
    expect(staleBecause(dist())).toBe('no build yet');
  });

  it('is stale when an input is newer than the build, or gone', () => {
    expect(staleBecause(dist(['core/duration.ts'], new Date(0)))).toMatch(/changed$/);
    expect(staleBecause(dist(['console/src/removed.tsx'], future))).toBe('console/src/removed.tsx is gone');
  });
});
