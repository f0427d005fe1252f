import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads now and again every `everyMs` while the page is visible, so status changes appear
 * without a reload (polling: the API has no push). A slow answer is never overtaken by an older
 * one. `everyMs` 0 loads once.
 */
export function usePolling<T>(load: () => Promise<T>, everyMs: number, key: unknown = undefined): Polled<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const sequence = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const run = useCallback(async () => {
    const mine = ++sequence.current;
    try {
      const data = await loader.current();
      if (mine === sequence.current) setState({ data, loading: false });
    } catch (error) {
      if (mine === sequence.current) setState((s) => ({ ...s, error, loading: false }));
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` restarts polling for another item.
  useEffect(() => {
    // What was shown stays until the new answer: a changed interval must not blank the page.
    setState((s) => ({ ...s, loading: true }));
    void run();
    if (everyMs <= 0) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void run();
    }, everyMs);
    return () => {
      clearInterval(timer);
      sequence.current++;
    };
  }, [run, everyMs, key]);

  return { ...state, reload: () => void run() };
}
