import IntlMessageFormat from 'intl-messageformat';
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../src/commons/i18n.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the console's strings", () => {
  it('ask Intl for a locale once, however many of Cloudscape’s strings are formatted', () => {
    // Prepare
    const supported = vi.spyOn(Intl.NumberFormat, 'supportedLocalesOf');

    // Act: what Cloudscape's I18nProvider does for each string its components show.
    const formatted = ['{count} items', 'Page {page}', '{count} items'].map((message, i) =>
      new IntlMessageFormat(message, 'en-x-idc-lease-test').format({ count: i, page: i }),
    );
    const resolved = IntlMessageFormat.resolveLocale('en-x-idc-lease-test');

    // Assess
    expect(formatted).toEqual(['0 items', 'Page 1', '2 items']);
    expect(resolved?.baseName).toBe('en');
    expect(supported).toHaveBeenCalledTimes(1);
  });
});
