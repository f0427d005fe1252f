import Alert from '@cloudscape-design/components/alert';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { ApiError } from '../api/errors.ts';
import { explain } from '../logic/failures.ts';
import type { AppContext } from './app-context.tsx';

/** Where the console's start is: waiting for `/api/me`, signed in, or failed. */
export type Start =
  | { readonly state: 'starting' }
  | { readonly state: 'signed-in'; readonly session: AppContext }
  | { readonly state: 'failed'; readonly what: string; readonly todo: string };

const Context = createContext<Start>({ state: 'starting' });

/** The start, for the parts of the shell that depend on the caller (menu, navigation, pages). */
export const useStart = (): Start => useContext(Context);

/**
 * Provides the start's state as `starting` settles. Only what reads it re-renders when the
 * caller is known: the shell around it (AppLayout and the rest) is rendered once, before.
 */
export function StartProvider({
  starting,
  children,
}: {
  starting: Promise<AppContext>;
  children: ReactNode;
}) {
  const [start, setStart] = useState<Start>({ state: 'starting' });
  useEffect(() => {
    let current = true;
    starting.then(
      (session) => current && setStart({ state: 'signed-in', session }),
      (error: unknown) => {
        // 401 is already on its way to sign-in.
        if (!current || (error instanceof ApiError && error.status === 401)) return;
        const { what, todo } =
          error instanceof ApiError ? explain(error) : { what: String(error), todo: 'Reload the page.' };
        setStart({ state: 'failed', what, todo });
      },
    );
    return () => {
      current = false;
    };
  }, [starting]);
  return <Context.Provider value={start}>{children}</Context.Provider>;
}

/** What a failed start shows instead of the pages. */
export const StartFailure = ({ what, todo }: { what: string; todo: string }) => (
  <Alert type="error" header={`The console could not start: ${what}`}>
    {todo}
  </Alert>
);
