import TopNavigation from '@cloudscape-design/components/top-navigation';
import { Mode } from '@cloudscape-design/global-styles';
import { useState } from 'react';
import { useApp } from './app-context.tsx';
import { chosenMode, setMode } from './mode.ts';
import { useFollow } from './use-follow.ts';

/** Signs out on the server (the session ends there), then goes back to the console's start. */
async function signOut(basePath: string): Promise<void> {
  await fetch('/auth/logout', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'X-IDC-Lease-CSRF': '1' },
  }).catch(() => undefined);
  window.location.assign(basePath);
}

export function ConsoleTopNavigation() {
  const { me, config } = useApp();
  const { href } = useFollow();
  const [mode, setLocalMode] = useState(chosenMode);
  const other = mode === Mode.Dark ? Mode.Light : Mode.Dark;
  return (
    <TopNavigation
      identity={{ href: href('/'), title: 'idc-lease' }}
      utilities={[
        {
          type: 'button',
          text: other === Mode.Dark ? 'Dark mode' : 'Light mode',
          onClick: () => {
            setMode(other, true);
            setLocalMode(other);
          },
        },
        {
          type: 'menu-dropdown',
          text: me.userName,
          iconName: 'user-profile',
          items: [{ id: 'groups', text: `Groups: ${me.groups.join(', ') || 'none'}`, disabled: true }],
        },
        { type: 'button', text: 'Sign out', onClick: () => void signOut(config.basePath) },
      ]}
    />
  );
}
