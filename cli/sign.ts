import type { Signer } from './client.ts';

/** The region in an API Gateway hostname (`abc.execute-api.eu-west-1.amazonaws.com`), if any. */
export const regionFromUrl = (apiUrl: string): string | undefined =>
  /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(apiUrl).hostname)?.[1];

export const signingRegion = (
  apiUrl: string,
  region: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined => region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? regionFromUrl(apiUrl);

/**
 * SigV4 for `execute-api` with the SDK's default credential chain (env, SSO / `aws sso login`
 * profiles, shared config, process, IMDS...). Loaded lazily: `--user` runs never touch it.
 */
export async function sigV4Signer(opts: { profile?: string; region: string }): Promise<Signer> {
  const [{ SignatureV4 }, { Hash }, { fromNodeProviderChain }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@smithy/hash-node'),
    import('@aws-sdk/credential-providers'),
  ]);
  const signer = new SignatureV4({
    service: 'execute-api',
    region: opts.region,
    credentials: fromNodeProviderChain(opts.profile ? { profile: opts.profile } : {}),
    sha256: Hash.bind(null, 'sha256'),
  });
  return async (req) => {
    const signed = await signer.sign({ ...req, ...(req.body === undefined ? {} : { body: req.body }) });
    return signed.headers;
  };
}
