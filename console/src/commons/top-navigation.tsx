import TopNavigation from '@cloudscape-design/components/top-navigation';
import { Mode } from '@cloudscape-design/global-styles';
import { useState } from 'react';
import { chosenMode, setMode } from './mode.ts';
import { useStart } from './start.tsx';
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

/** The top bar; the user menu appears once `/api/me` has said who is signed in. */
export function ConsoleTopNavigation({ basePath }: { basePath: string }) {
  const start = useStart();
  const me = start.state === 'signed-in' ? start.session.me : undefined;
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
        ...(me
          ? [
              {
                type: 'menu-dropdown' as const,
                text: me.userName,
                iconName: 'user-profile' as const,
                items: [{ id: 'groups', text: `Groups: ${me.groups.join(', ') || 'none'}`, disabled: true }],
              },
            ]
          : []),
        { type: 'button', text: 'Sign out', onClick: () => void signOut(basePath) },
      ]}
    />
  );
}
