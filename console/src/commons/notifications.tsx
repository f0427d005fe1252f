import Flashbar, { type FlashbarProps } from '@cloudscape-design/components/flashbar';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { ApiError } from '../api/errors.ts';
import { explain } from '../logic/failures.ts';

interface Notify {
  success(text: string): void;
  /** An API refusal or any other failure, said as what went wrong and what to do. */
  failure(action: string, error: unknown): void;
}

const Context = createContext<Notify | undefined>(undefined);

let next = 0;

/** The app shell's flashbar: pages report outcomes here and never build their own. */
export function NotificationsProvider({ children }: { children: (flashbar: ReactNode) => ReactNode }) {
  const [items, setItems] = useState<FlashbarProps.MessageDefinition[]>([]);
  const dismiss = useCallback((id: string) => setItems((all) => all.filter((i) => i.id !== id)), []);
  const push = useCallback(
    (item: Omit<FlashbarProps.MessageDefinition, 'id' | 'dismissible' | 'onDismiss'>) => {
      const id = `n${next++}`;
      setItems((all) => [
        ...all.slice(-4),
        { ...item, id, dismissible: true, dismissLabel: 'Dismiss', onDismiss: () => dismiss(id) },
      ]);
    },
    [dismiss],
  );
  const notify = useMemo<Notify>(
    () => ({
      success: (text) => push({ type: 'success', content: text }),
      failure: (action, error) => {
        // A 401 is already on its way to sign-in: nothing to tell.
        if (error instanceof ApiError && error.status === 401) return;
        const { what, todo } =
          error instanceof ApiError
            ? explain(error)
            : { what: String((error as Error)?.message ?? error), todo: 'Reload the page and try again.' };
        push({ type: 'error', header: `${action} failed: ${what}`, content: todo });
      },
    }),
    [push],
  );
  return (
    <Context.Provider value={notify}>
      {children(<Flashbar items={items} stackItems={items.length > 2} />)}
    </Context.Provider>
  );
}

export function useNotify(): Notify {
  const notify = useContext(Context);
  if (!notify) throw new Error('useNotify outside NotificationsProvider');
  return notify;
}
