import messages from '@cloudscape-design/components/i18n/messages/all.en';
import IntlMessageFormat from 'intl-messageformat';

/** Cloudscape's English strings, for its I18nProvider. */
export const consoleMessages = [messages];

// Cloudscape's I18nProvider makes one IntlMessageFormat per string its components show, and each
// asks `Intl.NumberFormat.supportedLocalesOf` for its locale — about 25 ms of the first render
// on a slow machine (signInMsP95), for an answer that depends on the locale argument alone. The
// console has one locale, so the answer is worked out once per argument.
const resolveLocale = IntlMessageFormat.resolveLocale;
const resolved = new Map<string, ReturnType<typeof resolveLocale>>();
IntlMessageFormat.resolveLocale = (locales) => {
  const key = JSON.stringify(locales);
  if (!resolved.has(key)) resolved.set(key, resolveLocale(locales));
  return resolved.get(key);
};
