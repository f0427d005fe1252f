import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { parseDuration } from '../core/duration.ts';
import { parseIdpMetadata } from '../core/saml-metadata.ts';

const httpsUrl = (what: string) =>
  z.url({ protocol: /^https$/, error: `must be an https URL (${what})` }).max(2048);

const duration = (min: number, max: number, what: string) =>
  z.string().refine(
    (text) => {
      try {
        const seconds = parseDuration(text);
        return seconds >= min && seconds <= max;
      } catch {
        return false;
      }
    },
    { message: `must be an ISO 8601 duration ${what}` },
  );

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const CLOUDFRONT_CERTIFICATE = /^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;

/**
 * The web console's deployment (`console` in the configuration). Everything is optional: the
 * first deploy, before Identity Center's SAML application exists, has no metadata, and its
 * sign-in answers 503 with a page that says so (README "Deploy the console").
 */
export const ConsoleConfigSchema = z
  .strictObject({
    /** The AWS access portal (Identity Center → Settings), for an ACTIVE lease's link. */
    portalUrl: httpsUrl('the AWS access portal URL, e.g. https://d-0123456789.awsapps.com/start').optional(),
    /** Identity Center's SAML metadata, downloaded from the application; bundled into the sign-in function. */
    samlMetadataFile: z.string().min(1).optional(),
    /** Or its URL, which the sign-in function fetches once per cold start. */
    samlMetadataUrl: httpsUrl("the application's IAM Identity Center SAML metadata file URL").optional(),
    /** The SP entity id the application names. @default `<ConsoleUrl>/auth/saml/metadata` */
    samlAudience: z
      .string()
      .regex(/^\S{1,1024}$/, 'must be a URI (the application SAML audience), without spaces')
      .optional(),
    /** What the application maps Subject to: the user's `userName` (`${user:subject}`) or id. */
    samlSubject: z.enum(['userName', 'userId']).default('userName'),
    samlClockSkewSeconds: z.number().int().min(0).max(300).optional(),
    session: z
      .strictObject({
        /** From sign-in to the end of the session, whatever happens. @default PT8H */
        absolute: duration(300, 86_400, 'from PT5M to PT24H').optional(),
        /** Without a request. @default PT1H */
        idle: duration(60, 86_400, 'from PT1M to PT24H').optional(),
      })
      .prefault({}),
    /**
     * A domain of your own for the console (its DNS name must point at the distribution), with a
     * certificate for it in us-east-1, where CloudFront takes certificates from. @default the
     * distribution's `*.cloudfront.net` name
     */
    domain: z
      .strictObject({
        name: z.string().regex(HOSTNAME, 'must be a lower-case DNS name such as lease.example.com'),
        certificateArn: z
          .string()
          .regex(
            CLOUDFRONT_CERTIFICATE,
            'must be an ACM certificate ARN in us-east-1 (CloudFront takes certificates from there only)',
          ),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    if (config.samlMetadataFile && config.samlMetadataUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['samlMetadataUrl'],
        message: 'give samlMetadataFile or samlMetadataUrl, not both',
      });
    const { absolute = 'PT8H', idle = 'PT1H' } = config.session;
    try {
      if (parseDuration(idle) > parseDuration(absolute))
        ctx.addIssue({
          code: 'custom',
          path: ['session', 'idle'],
          message: `must not be longer than session.absolute (${absolute})`,
        });
    } catch {
      // An unparsable duration is already reported on its own field.
    }
  });

export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;

/**
 * The metadata file resolved and checked as the sign-in function will read it at cold start, so
 * a wrong file fails synth (naming the field) instead of every sign-in after the deploy.
 */
export function checkSamlMetadataFile(
  config: ConsoleConfig,
  baseDir: string,
): { path?: string; problems: string[] } {
  if (!config.samlMetadataFile) return { problems: [] };
  const path = resolve(baseDir, config.samlMetadataFile);
  try {
    parseIdpMetadata(readFileSync(path, 'utf8'), path);
    return { path, problems: [] };
  } catch (err) {
    return { path, problems: [`console.samlMetadataFile (${path}): ${(err as Error).message}`] };
  }
}
