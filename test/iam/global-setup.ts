import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `full`: the whole integration project ran, so a grant no call used is really unused. */
    iamProofScope: 'full' | 'partial';
  }
}

export function setup(project: TestProject) {
  const vitest = project.vitest;
  // The files named on the command line (vitest keeps them as an internal field): none is all.
  const named = (vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  const full =
    named.length === 0 &&
    !vitest.config.testNamePattern &&
    vitest.projects.some((p) => p.name === 'integration');
  project.provide('iamProofScope', full ? 'full' : 'partial');
}
