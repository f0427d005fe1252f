import { applyMode, Mode } from '@cloudscape-design/global-styles';

/**
 * Light or dark: the system's `prefers-color-scheme` unless the person chose one with the toggle
 * (kept in localStorage: a display preference, nothing sensitive).
 */
const KEY = 'idc-lease-mode';
const system = () => window.matchMedia?.('(prefers-color-scheme: dark)');

export function chosenMode(): Mode {
  const stored = localStorage.getItem(KEY);
  if (stored === Mode.Dark || stored === Mode.Light) return stored;
  return system()?.matches ? Mode.Dark : Mode.Light;
}

export function setMode(mode: Mode, remember: boolean): void {
  if (remember) localStorage.setItem(KEY, mode);
  applyMode(mode);
  document.documentElement.style.colorScheme = mode;
}

/** Applies the mode now and follows the system's changes while no choice was made. */
export function followSystemMode(): void {
  setMode(chosenMode(), false);
  system()?.addEventListener('change', () => {
    if (!localStorage.getItem(KEY)) setMode(chosenMode(), false);
  });
}
