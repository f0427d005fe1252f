import { en } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * zod/mini loads no locale (classic zod loads English on first use), so without this every issue
 * would read "Invalid input". Each module with zod/mini schemas imports this file for its effect.
 * `en` is imported by name: `z.locales.en` would bundle every locale.
 */
z.config(en());
