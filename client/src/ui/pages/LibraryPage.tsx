import { For, Match, Show, Switch, type JSX } from 'solid-js';
import { useApp } from '../context.tsx';
import { createFileDrop } from '../drop.ts';
import { formatBytes } from '../format.ts';
import { createDocumentTitle } from '../reactive.ts';
import { countsOf, queueText } from '../status.ts';
import { Icon } from '../components/Icon.tsx';
import { ImportButton } from '../components/ImportButton.tsx';
import { VideoCard } from '../components/VideoCard.tsx';
import { OpeningLibrary } from '../components/OpeningLibrary.tsx';

/** The grid of videos. The whole window accepts dropped files while this page is open. */
export function LibraryPage(): JSX.Element {
  const { library, videos, importer } = useApp();
  const dragging = createFileDrop((files) => void importer.importFiles(files));
  createDocumentTitle(() => 'Library');

  const counts = () => countsOf(videos);
  const bytes = () => formatBytes(videos.reduce((sum, video) => sum + (video.sizeBytes ?? 0), 0));

  return (
    <section class="page library" aria-labelledby="library-heading" data-ready={library.ready() ? 'true' : 'false'}>
      <header class="page-header">
        <div>
          <h1 id="library-heading" tabIndex={-1}>
            Library
          </h1>
          <Show when={videos.length > 0}>
            <p class="page-subtitle library-counts" data-testid="library-counts">
              {counts().total} {counts().total === 1 ? 'video' : 'videos'}
              <Show when={counts().indexed > 0}>
                {' · '}
                <span data-count="indexed">{counts().indexed} indexed</span>
              </Show>
              <Show when={counts().inProgress > 0}>
                {' · '}
                <span data-count="in-progress">{counts().inProgress} in progress</span>
              </Show>
              <Show when={counts().failed > 0}>
                {' · '}
                <span data-count="failed" class="library-count--failed">
                  {counts().failed} failed
                </span>
              </Show>
              {' · '}
              {bytes()}
            </p>
          </Show>
          <Show when={library.queue()}>
            {(summary) => (
              <p class="queue-summary" data-testid="queue-summary">
                {queueText(summary())}
              </p>
            )}
          </Show>
        </div>
        <Show when={videos.length > 0}>
          <p class="drop-hint">
            <Icon name="upload" size={16} />
            Drop videos anywhere to import
          </p>
        </Show>
      </header>

      <Switch>
        <Match when={videos.length > 0}>
          <ul class="video-grid" role="list">
            <For each={videos}>
              {(video) => (
                <li>
                  <VideoCard video={video} />
                </li>
              )}
            </For>
          </ul>
        </Match>
        <Match when={library.error()}>
          <div class="empty">
            <Icon name="lock" size={36} class="empty-icon" />
            <h2>Your library is not available in this tab</h2>
            <p>Close the other Heimdex tab or window, then reload this one.</p>
          </div>
        </Match>
        <Match when={!library.ready() && !library.knownEmpty()}>
          <OpeningLibrary />
        </Match>
        <Match when={true}>
          <div class="empty">
            <div class="empty-art" aria-hidden="true">
              <Icon name="film" size={40} />
            </div>
            <h2>Your library is empty</h2>
            <p>
              Import videos and Heimdex cuts them into scenes with a thumbnail for each, so you can find the moment you
              want and jump straight to it.
            </p>
            <ImportButton label="Import videos" />
            <p class="empty-hint">or drop video files anywhere on this page</p>
            <p class="empty-privacy">
              <Icon name="lock" size={14} />
              Everything stays on this device: nothing is uploaded.
            </p>
          </div>
        </Match>
      </Switch>

      <Show when={dragging()}>
        <div class="drop-overlay" aria-hidden="true">
          <div class="drop-overlay-inner">
            <Icon name="upload" size={36} />
            <p>Drop to import</p>
          </div>
        </div>
      </Show>
    </section>
  );
}
