import { createEffect, on, Show, type JSX } from 'solid-js';
import { A, useLocation, type RouteSectionProps } from '@solidjs/router';
import { useApp } from './context.tsx';
import { preventStrayFileDrops } from './drop.ts';
import { createOnline } from './reactive.ts';
import { createAppUpdate } from './service-worker.ts';
import { Icon, Logo, type IconName } from './components/Icon.tsx';
import { formatSyncStatus, syncLabel } from './sync-status.ts';
import type { SyncPhase } from '../app/account.ts';

const SYNC_ICONS: Record<SyncPhase, IconName> = { 'signed-out': 'alert', synced: 'check', syncing: 'retry', offline: 'offline', error: 'alert' };

import { ImportButton, ImportInput } from './components/ImportButton.tsx';
import { NoticeList } from './components/NoticeList.tsx';
import { SearchBox } from './components/SearchBox.tsx';
import { UpdatePrompt } from './components/UpdatePrompt.tsx';

/** Top bar (with the offline indicator), global error banner, page content, the notice list and the update prompt. */
export function Shell(props: RouteSectionProps): JSX.Element {
  const { library } = useApp();
  const location = useLocation();
  const online = createOnline();
  const update = createAppUpdate();
  preventStrayFileDrops();

  // After an in-app navigation, move focus to the new page's heading (as a page load would reset it),
  // so keyboard and screen-reader users start at the top of what just opened.
  createEffect(
    on(
      () => location.pathname,
      () => requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true })),
      { defer: true },
    ),
  );

  return (
    <div class="app">
      <header class="topbar">
        <div class="topbar-inner">
          <A href="/" class="brand" end>
            <Logo />
            <span class="brand-name">Heimdex</span>
          </A>
          <nav class="nav" aria-label="Main">
            <A href="/" end activeClass="nav-link--active" class="nav-link">
              Library
            </A>
            <A href="/people" activeClass="nav-link--active" class="nav-link">
              People
            </A>
            <A href="/settings" activeClass="nav-link--active" class="nav-link">
              Settings
            </A>
          </nav>
          <SearchBox />
          <div class="topbar-actions">
            {/* The live region stays in the DOM, so going offline is announced (a region inserted with its message is not). */}
            <div class="offline-slot" role="status">
              <Show when={!online()}>
                <p class="offline-indicator" data-testid="offline-indicator" title="Everything on this device still works">
                  <Icon name="offline" size={16} />
                  <span>
                    Offline<span class="offline-detail"> — everything on this device still works</span>
                  </span>
                </p>
              </Show>
            </div>
            <Show when={library.account.account()}>
              <A
                href="/settings"
                class="sync-indicator"
                data-testid="sync-indicator"
                data-phase={library.account.status().phase}
                title={formatSyncStatus(library.account.status())}
              >
                <Icon name={SYNC_ICONS[library.account.status().phase]} size={16} />
                <span>{syncLabel(library.account.status())}</span>
              </A>
            </Show>
            <ImportButton label="Import" class="btn btn--primary" />
          </div>
          <ImportInput />
        </div>
      </header>
      <Show when={library.error()}>
        {(message) => (
          <div class="banner" role="alert">
            <Icon name="alert" />
            <p>{message()}</p>
          </div>
        )}
      </Show>
      <main class="main" id="main">
        {props.children}
      </main>
      <NoticeList>
        <UpdatePrompt update={update} />
      </NoticeList>
    </div>
  );
}
