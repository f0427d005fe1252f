/**
 * An export of the whole filtered trail from the pages the API answers: CSV keeps the header of
 * the first page only; JSON Lines pages are concatenated.
 */
export function joinExportPages(format: 'csv' | 'jsonl', pages: readonly string[]): string {
  if (format === 'jsonl') return pages.join('');
  return pages
    .map((page, i) => {
      if (i === 0) return page;
      const end = page.indexOf('\r\n');
      return end < 0 ? '' : page.slice(end + 2);
    })
    .join('');
}

/** `idc-lease-audit-2026-11-22T10-00-00Z.csv`: sortable, and safe as a file name everywhere. */
export const exportFileName = (format: 'csv' | 'jsonl', now: Date): string =>
  `idc-lease-audit-${now.toISOString().slice(0, 19).replaceAll(':', '-')}Z.${format}`;
