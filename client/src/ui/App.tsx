import { Match, Show, Switch, type JSX } from 'solid-js';
import { HashRouter, Route } from '@solidjs/router';
import { createLibrary } from '../app/library.ts';
import { AppProvider } from './context.tsx';
import { createImporter } from './importer.ts';
import { createNotices } from './notices.ts';
import { createKeyedList } from './reactive.ts';
import { createTabSession } from './tab-session.ts';
import { Shell } from './Shell.tsx';
import { DamagedLibrary } from './components/DamagedLibrary.tsx';
import { OpeningLibrary } from './components/OpeningLibrary.tsx';
import { OtherTab } from './components/OtherTab.tsx';
import { LibraryPage } from './pages/LibraryPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { PeoplePage } from './pages/PeoplePage.tsx';
import { SearchPage } from './pages/SearchPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { VideoPage } from './pages/VideoPage.tsx';

/**
 * The app. The library opens only in the tab that has it (one tab at a time, see tab-session.ts);
 * other tabs say so and offer to bring it here.
 */
export function App(): JSX.Element {
  const tab = createTabSession();
  return (
    <Switch>
      <Match when={tab.state() === 'here'}>
        <LibraryApp onOpen={(close) => tab.setRelease(close)} />
      </Match>
      <Match when={tab.state() === 'waiting'}>
        <main class="tab-gate">
          <OpeningLibrary />
        </main>
      </Match>
      <Match when={true}>
        <OtherTab state={tab.state()} onTakeOver={() => tab.takeOver()} />
      </Match>
    </Switch>
  );
}

/**
 * One library for as long as this tab has it, shared by every route. Hash routes keep every URL
 * served by the single index.html (no server rewrite needed, offline included).
 */
function LibraryApp(props: { onOpen: (close: () => Promise<void>) => void }): JSX.Element {
  const library = createLibrary();
  props.onOpen(library.close);
  const notices = createNotices();
  const importer = createImporter(library, notices);
  const videos = createKeyedList(library.videos, 'videoId');

  // A library that cannot be opened gets a screen of its own: what to do about it, never a silent wipe.
  return (
    <Show when={!library.damaged()} fallback={<DamagedLibrary details={library.error()} backup={library.backup} />}>
      <AppProvider services={{ library, videos, importer, notices }}>
        <HashRouter root={Shell}>
          <Route path="/" component={LibraryPage} />
          <Route path="/video/:id" component={VideoPage} />
          <Route path="/search" component={SearchPage} />
          <Route path="/people/:id?" component={PeoplePage} />
          <Route path="/settings" component={SettingsPage} />
          <Route path="*404" component={NotFoundPage} />
        </HashRouter>
      </AppProvider>
    </Show>
  );
}
