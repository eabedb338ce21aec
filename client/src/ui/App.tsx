import type { JSX } from 'solid-js';
import { HashRouter, Route } from '@solidjs/router';
import { createLibrary } from '../app/library.ts';
import { AppProvider } from './context.tsx';
import { createImporter } from './importer.ts';
import { createNotices } from './notices.ts';
import { createKeyedList } from './reactive.ts';
import { Shell } from './Shell.tsx';
import { LibraryPage } from './pages/LibraryPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { PeoplePage } from './pages/PeoplePage.tsx';
import { SearchPage } from './pages/SearchPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { VideoPage } from './pages/VideoPage.tsx';

/**
 * The app: one library for the page's lifetime, shared by every route. Hash routes keep every URL
 * served by the single index.html (no server rewrite needed, offline included).
 */
export function App(): JSX.Element {
  const library = createLibrary();
  const notices = createNotices();
  const importer = createImporter(library, notices);
  const videos = createKeyedList(library.videos, 'videoId');

  return (
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
  );
}
