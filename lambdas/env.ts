/** Reads the named variables once at module load and fails fast, naming every missing one. */
export const requireEnv = <K extends string>(names: readonly K[]): Record<K, string> => {
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length > 0) throw new Error(`missing environment variables: ${missing.join(', ')}`);
  return Object.fromEntries(names.map((n) => [n, process.env[n] as string])) as Record<K, string>;
};
