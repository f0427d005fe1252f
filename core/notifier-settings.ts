import * as z from 'zod';
import { parseDuration } from './duration.ts';

/**
 * The notifier's channels, as the deployment configuration names them (`notifications` in
 * lib/config.ts) and as the function receives them (one JSON environment variable). Secrets are
 * referenced by name or ARN, never inlined.
 */

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
export const SecretRefSchema = z.string().refine((s) => SECRET_NAME.test(s) || SECRET_ARN.test(s), {
  message: 'must be a Secrets Manager secret name or ARN',
});

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

export const CHANNEL_NAMES = ['slack', 'webhook', 'email'] as const;

/** The fields, so lib/config.ts can put them beside `operatorEmails` in one strict object. */
export const NotifierSettingsShape = {
  /** The incoming webhook's URL is a credential: it lives in this secret (a plain string). */
  slack: z.strictObject({ webhookSecret: SecretRefSchema }).optional(),
  webhook: z
    .strictObject({
      url: z.url().optional(),
      urlSecret: SecretRefSchema.optional(),
      /** The HMAC key (a plain string) receivers verify `x-idc-lease-signature` with. */
      signingSecret: SecretRefSchema,
    })
    .optional(),
  email: z
    .union([
      z.strictObject({ from: z.email() }),
      z.strictObject({ topicArn: z.string().regex(TOPIC_ARN, 'must be an SNS topic ARN') }),
    ])
    .optional(),
  /** Channels that also receive every event (audience "audit"). */
  audit: z.array(z.enum(CHANNEL_NAMES)).default([]),
  /** How long before `expiresAt` the requester hears that the lease is ending. */
  endingSoonLead: z
    .string()
    .refine(
      (text) => {
        try {
          return parseDuration(text) >= 60;
        } catch {
          return false;
        }
      },
      { message: 'must be an ISO 8601 duration of at least PT1M' },
    )
    .default('PT10M'),
  /** The web console's URL: approval requests then link to `<consoleUrl>/leases/<id>`. */
  consoleUrl: z.url().optional(),
};

type Shape = z.infer<z.ZodObject<typeof NotifierSettingsShape>>;

/** The checks one field alone cannot make; issues name the field. */
export const checkNotifierSettings = (settings: Shape, ctx: z.RefinementCtx): void => {
  const webhook = settings.webhook;
  if (webhook && !webhook.url === !webhook.urlSecret)
    ctx.addIssue({
      code: 'custom',
      path: ['webhook', 'url'],
      message: 'give exactly one of url and urlSecret',
    });
  settings.audit.forEach((name, i) => {
    if (!settings[name])
      ctx.addIssue({ code: 'custom', path: ['audit', i], message: `names ${name}, which is not configured` });
  });
};

export const NotifierSettingsSchema = z
  .strictObject(NotifierSettingsShape)
  .superRefine(checkNotifierSettings);

export type NotifierSettings = z.infer<typeof NotifierSettingsSchema>;

/** Every secret the settings reference: the function may read these and no other. */
export const secretsOf = (settings: NotifierSettings): string[] =>
  [settings.slack?.webhookSecret, settings.webhook?.urlSecret, settings.webhook?.signingSecret].filter(
    (s): s is string => typeof s === 'string',
  );
