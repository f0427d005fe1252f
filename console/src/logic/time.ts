/** A local date and time from the form, as the ISO timestamp with a zone the API wants. */
export function localToIso(date: string, time: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const t = /^\d{2}:\d{2}(:\d{2})?$/.test(time) ? time : '00:00';
  const parsed = new Date(`${date}T${t.length === 5 ? `${t}:00` : t}`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString();
}
