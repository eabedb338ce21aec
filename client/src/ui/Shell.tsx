import { createEffect, on, Show, type JSX } from 'solid-js';
import { A, useLocation, type RouteSectionProps } from '@solidjs/router';
import { useApp } from './context.tsx';
import { preventStrayFileDrops } from './drop.ts';
import { Icon, Logo } from './components/Icon.tsx';
import { ImportButton, ImportInput } from './components/ImportButton.tsx';
import { NoticeList } from './components/NoticeList.tsx';
import { SearchBox } from './components/SearchBox.tsx';

/** Top bar, global error banner, page content and the notice list. */
export function Shell(props: RouteSectionProps): JSX.Element {
  const { library } = useApp();
  const location = useLocation();
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
      <NoticeList />
    </div>
  );
}
