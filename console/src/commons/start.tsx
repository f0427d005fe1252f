import Alert from '@cloudscape-design/components/alert';
import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import { ApiError } from '../api/errors.ts';
import { explain } from '../logic/failures.ts';
import type { AppContext } from './app-context.tsx';

/** Where the console's start is: waiting for `/api/me`, signed in, or failed. */
export type Start =
  | { readonly state: 'starting' }
  | { readonly state: 'signed-in'; readonly session: AppContext }
  | { readonly state: 'failed'; readonly what: string; readonly todo: string };

const Context = createContext<Start>({ state: 'starting' });

/**
 * The start, for the parts of the shell that depend on the caller (menu, navigation, pages): only
 * they render again when it settles; the shell around them (AppLayout and the rest) does not.
 */
export const useStart = (): Start => useContext(Context);

export interface StartStore {
  get(): Start;
  subscribe(listener: () => void): () => void;
}

/**
 * The start as `starting` settles, outside React: a store that `StartProvider` reads with
 * `useSyncExternalStore`, whose updates React renders at once (not in a later task, as a state
 * update from a promise would be). When `/api/me` answers while the shell is being rendered, the
 * page then follows in the same frame, and the browser lays out and paints the shell once.
 */
export function startStore(starting: Promise<AppContext>): StartStore {
  let start: Start = { state: 'starting' };
  const listeners = new Set<() => void>();
  const settle = (next: Start) => {
    start = next;
    for (const listener of listeners) listener();
  };
  starting.then(
    (session) => settle({ state: 'signed-in', session }),
    (error: unknown) => {
      // 401 is already on its way to sign-in.
      if (error instanceof ApiError && error.status === 401) return;
      const { what, todo } =
        error instanceof ApiError ? explain(error) : { what: String(error), todo: 'Reload the page.' };
      settle({ state: 'failed', what, todo });
    },
  );
  return {
    get: () => start,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Provides the start to the parts of the shell that depend on the caller. */
export function StartProvider({ store, children }: { store: StartStore; children: ReactNode }) {
  const start = useSyncExternalStore(store.subscribe, store.get);
  return <Context.Provider value={start}>{children}</Context.Provider>;
}

/** What a failed start shows instead of the pages. */
export const StartFailure = ({ what, todo }: { what: string; todo: string }) => (
  <Alert type="error" header={`The console could not start: ${what}`}>
    {todo}
  </Alert>
);
