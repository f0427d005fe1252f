import { type ComponentType, lazy } from 'react';

/**
 * A page chunk that can be fetched before it is rendered. `React.lazy` suspends on its first
 * render even when the module has long arrived (it learns so only a microtask later), which
 * commits the fallback first and the page a frame after it; once `load()` has resolved, `Page`
 * renders the module's component directly, in the same commit as the shell around it.
 */
export interface Preloadable<P extends object> {
  load(): Promise<unknown>;
  Page: ComponentType<P>;
}

export function preloadable<P extends object>(
  importer: () => Promise<{ default: ComponentType<P> }>,
): Preloadable<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<{ default: ComponentType<P> }> | undefined;
  const load = () => {
    pending ??= importer().then(
      (module) => {
        loaded = module.default;
        return module;
      },
      (error: unknown) => {
        // A chunk that failed to arrive (a deploy replaced it, the network dropped) is asked for
        // again by the next load(); the page that rendered meanwhile fails as React.lazy's does.
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
  const Lazy = lazy(load);
  const Page = (props: P) => {
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Lazy {...props} />;
  };
  return { load, Page };
}

/** A page bundled with the shell: nothing to fetch before it renders. */
export const bundled = <P extends object>(Page: ComponentType<P>): Preloadable<P> => ({
  load: () => Promise.resolve(),
  Page,
});
