/**
 * The console's figures, in Debian's Chromium on the built SPA (served by the local runtime's
 * own `consoleHandler`), against a page-level harness: `/api/*` is answered inside the browser
 * (test/browser/api-stub.ts), because the figures are about the page, not the API.
 *
 * - consoleInitialKB: JS, CSS and fonts the first load of `/console/` fetched, each body as the
 *   browser received it, gzip-compressed (level 6, what CloudFront and most servers send; brotli
 *   is smaller still), in KB.
 * - consoleAccountFilterMsP95: typing into the Account field of Request access with 5,000
 *   eligible accounts (names from the real eligibility code), key press → the option list shows
 *   the new match count, p95 over 24 keystrokes.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { accountChoices, filterAccounts } from '../console/src/logic/accounts.ts';
import { accountMatchesText } from '../console/src/pages/request/request-config.ts';
import { eligibleTargets } from '../core/eligibility.ts';
import { loadPolicy } from '../core/policy.ts';
import { sampleMe, stubApi } from '../test/browser/api-stub.ts';
import { launchChromium } from '../test/browser/chromium.ts';
import { serveConsole } from '../test/browser/console-server.ts';

const TEAMS = [
  'payments',
  'search',
  'identity',
  'ledger',
  'mobile',
  'data',
  'platform',
  'growth',
  'ads',
  'edge',
];
const STAGES = ['dev', 'test', 'staging', 'prod', 'sandbox'];

/** 5,000 named accounts in two rules, as `GET /eligibility` answers them. */
export function fiveThousandAccounts() {
  const ids = Array.from({ length: 5000 }, (_, i) => String(100_000_000_000 + i));
  const names = new Map(
    ids.map((id, i) => [
      id,
      `${TEAMS[i % TEAMS.length]}-${STAGES[Math.floor(i / 10) % STAGES.length]}-${String(i).padStart(4, '0')}`,
    ]),
  );
  const policy = loadPolicy({
    version: 1,
    rules: [
      {
        id: 'all-readonly',
        principals: { users: ['alice'] },
        accounts: ids,
        permissionSets: ['ReadOnly'],
        maxDuration: 'PT8H',
        approval: 'none',
      },
      {
        id: 'prod-admin',
        principals: { users: ['alice'] },
        accounts: ids.filter((id) => names.get(id)?.includes('-prod-')),
        permissionSets: ['AdministratorAccess'],
        maxDuration: 'PT2H',
        approval: { approvers: { groups: ['sre-leads'] }, required: 2 },
      },
    ],
  });
  return eligibleTargets(policy, { userName: 'alice', groups: [] }, undefined, (id) => names.get(id));
}

/**
 * Armed in the page before each key: from the key's own event time to the first animation frame
 * (the paint) after the list changed (a mutation observer sees React's commit) and the match
 * count shows the expected number; same count or not, the list's highlighting changes. Plain
 * JavaScript text, so nothing the TypeScript runner adds reaches the page.
 */
const ARM_KEY_TO_LIST = `function (want) {
  const findCount = () => {
    if (window.matchCount && window.matchCount.isConnected) return window.matchCount;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (/ accounts match$/.test(node.textContent || '')) return (window.matchCount = node);
    }
    return undefined;
  };
  window.keyToList = new Promise((resolve) => {
    addEventListener('keydown', (event) => {
      let changed = false;
      const observer = new MutationObserver(() => { changed = true; });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      const frame = () => {
        const count = findCount();
        if (changed && count && count.textContent === want) {
          observer.disconnect();
          resolve(performance.now() - event.timeStamp);
        } else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    }, { once: true, capture: true });
  });
}`;

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1] as number;

export async function benchConsole(log: (line: string) => void) {
  const server = await serveConsole();
  const browser = await launchChromium();
  try {
    // 1. The first load: a fresh profile, so nothing is cached.
    const page = await browser.context.newPage();
    await stubApi(page, { me: sampleMe() });
    const bodies: Promise<{ url: string; gzip: number; brotli: number }>[] = [];
    page.on('response', (response) => {
      const type = response.request().resourceType();
      if (!['script', 'stylesheet', 'font'].includes(type)) return;
      bodies.push(
        response.body().then((body) => ({
          url: response.url(),
          gzip: gzipSync(body, { level: 6 }).length,
          brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
        })),
      );
    });
    await page.goto(server.url, { waitUntil: 'networkidle' });
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const fetched = await Promise.all(bodies);
    const kb = (n: number) => Math.round((n / 1024) * 10) / 10;
    const gzip = fetched.reduce((sum, f) => sum + f.gzip, 0);
    const brotli = fetched.reduce((sum, f) => sum + f.brotli, 0);
    log(`first load: ${fetched.length} files, ${kb(gzip)} KB gzip, ${kb(brotli)} KB brotli`);
    await page.close();

    // 2. The account filter with 5,000 accounts.
    const rules = fiveThousandAccounts();
    const choices = accountChoices(rules);
    const typing = await browser.context.newPage();
    await stubApi(typing, { me: sampleMe(), eligibility: rules });
    await typing.goto(`${server.url}request`);
    const field = typing.getByLabel('Account');
    await field.click();
    // 16 characters typed, then 8 taken back: wide and narrow matches, never an empty field.
    const keys = [...'payments-prod-00', ...Array<string>(8).fill('Backspace')];
    const samples: number[] = [];
    let text = '';
    for (const key of keys) {
      text = key === 'Backspace' ? text.slice(0, -1) : text + key;
      const expected = accountMatchesText(filterAccounts(choices, text).length, choices.length);
      await typing.evaluate(`(${ARM_KEY_TO_LIST})(${JSON.stringify(expected)})`);
      await typing.keyboard.press(key);
      samples.push((await typing.evaluate('window.keyToList')) as number);
    }
    log(`account filter over ${choices.length} accounts, ms per key: ${samples.map(Math.round).join(' ')}`);
    return {
      consoleInitialKB: kb(gzip),
      consoleAccountFilterMsP95: Math.round(p95(samples) * 10) / 10,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
