import { createContext, useContext } from 'react';
import type { Api } from '../api/client.ts';
import type { ConsoleConfig, Me } from '../api/types.ts';

/** What every page needs: the one API client, the signed-in caller and the console's config. */
export interface AppContext {
  api: Api;
  me: Me;
  config: ConsoleConfig;
}

const Context = createContext<AppContext | undefined>(undefined);
export const AppProvider = Context.Provider;

export function useApp(): AppContext {
  const app = useContext(Context);
  if (!app) throw new Error('useApp outside AppProvider');
  return app;
}
