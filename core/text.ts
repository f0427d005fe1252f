/**
 * Characters that make text act or read differently from what it says, in one place: the API
 * refuses them in free text (`service/schemas.ts`), and the CLI and the notifications render any
 * that reach them as visible escapes.
 * - C0 controls but the newline (ESC starts every terminal escape sequence; CR rewrites a line),
 *   DEL, and C1 controls (U+009B is a one-byte CSI);
 * - the Unicode line and paragraph separators (a line break by another name);
 * - bidirectional embeddings, overrides and isolates (they reorder what a reader sees).
 * Kept as character-class text so that each rule below is built from the same ranges.
 */
const CONTROLS = '\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f';
const LAYOUT = '\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';

/** Prose: anything but the characters above; a plain newline is allowed. */
export const PROSE = new RegExp(`^[^${CONTROLS}${LAYOUT}]*$`);
/** One line: the same, and no newline either. */
export const ONE_LINE = new RegExp(`^[^\\n${CONTROLS}${LAYOUT}]*$`);

const UNSAFE = new RegExp(`[\\n${CONTROLS}${LAYOUT}]`, 'g');
/** The controls but tab, LF and CR, for text whose line breaks are its structure. */
const CONTROLS_BUT_LINE_BREAKS = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f';
const UNSAFE_BUT_LINE_BREAKS = new RegExp(`[${CONTROLS_BUT_LINE_BREAKS}${LAYOUT}]`, 'g');

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const hex = (c: string) => (c.codePointAt(0) as number).toString(16);
const visible = (c: string): string => NAMED[c] ?? `\\u{${hex(c).padStart(2, '0')}}`;

/**
 * Text as one line that cannot act on a terminal or forge another line: each unsafe character,
 * newlines included, is shown as an escape (`\n`, `\u{1b}`).
 */
export const printable = (text: string): string => text.replace(UNSAFE, visible);

/** The same for text whose line breaks are its structure (CSV, JSON Lines): CR, LF and tab stay. */
export const printableLines = (text: string): string => text.replace(UNSAFE_BUT_LINE_BREAKS, visible);

/** JSON text with every unsafe character as a `\uXXXX` escape: the same JSON value, printable. */
export const safeJson = (json: string): string =>
  json.replace(UNSAFE, (c) => (c === '\n' ? c : `\\u${hex(c).padStart(4, '0')}`));
