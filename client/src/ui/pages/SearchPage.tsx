import { createEffect, createMemo, createSignal, For, Match, on, onCleanup, Show, Switch, type JSX } from 'solid-js';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import type { SearchResult } from '../../search/types.ts';
import { useApp } from '../context.tsx';
import { createFileDrop } from '../drop.ts';
import { errorMessage } from '../notices.ts';
import { createDocumentTitle, createLoader } from '../reactive.ts';
import {
  examplePath,
  modelNotes,
  notSearchedYet,
  sameTarget,
  searchTarget,
  splitByConfidence,
  stillIndexingNote,
  type SearchTarget,
} from '../search-format.ts';
import { IDLE_VIEW, makeLatestSearch, type SearchRequest, type SearchView } from '../search-run.ts';
import { HitCard } from '../components/HitCard.tsx';
import { Icon } from '../components/Icon.tsx';
import { focusSearchBox, HIT_LINK_SELECTOR, SEARCH_NOW_EVENT } from '../components/SearchBox.tsx';
import { SearchHelp } from '../components/SearchHelp.tsx';

/** The pause in typing after which the query runs. */
const TYPING_PAUSE_MS = 200;
const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|bmp|avif)$/i;

interface Example {
  name: string;
  /** The id it is kept under on this device (in the URL); null when it could not be kept. */
  id: string | null;
  image: Blob;
}

/**
 * The picture of the last search by example, in memory. An image cannot live in a URL: the URL holds the id
 * it is kept under on this device, and after a reload the picture comes back from there.
 */
const [lastExample, setLastExample] = createSignal<Example | null>(null);

/** The picture in memory that `wanted` searches by, if it is this one. */
function exampleFor(wanted: SearchTarget): Example | null {
  const example = lastExample();
  if (wanted.kind !== 'image' || example?.name !== wanted.name) return null;
  return wanted.imageId === null || example.id === wanted.imageId ? example : null;
}

const isImage = (file: File) => file.type.startsWith('image/') || IMAGE_EXTENSIONS.test(file.name);

/**
 * Search results (route /search?q=… | ?like=<sceneId> | ?example=<image name>). The URL says what to
 * search; the box in the top bar writes it. Confident matches come first, weaker ones below a divider.
 */
export function SearchPage(): JSX.Element {
  const { library, notices } = useApp();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const target = createMemo(() => searchTarget(params), undefined, { equals: sameTarget });
  const [view, setView] = createSignal<SearchView<SearchResult>>(IDLE_VIEW);
  const search = makeLatestSearch<SearchResult>({ delayMs: TYPING_PAUSE_MS, onChange: setView, describeError: errorMessage });
  onCleanup(() => search.dispose());

  const requestOf = (wanted: SearchTarget): SearchRequest<SearchResult> | null => {
    switch (wanted.kind) {
      case 'none':
        return null;
      case 'text':
        return { key: wanted.key, run: () => library.search.run(wanted.query) };
      case 'like':
        return { key: wanted.key, run: () => library.search.moreLikeThis(wanted.sceneId) };
      case 'image':
        return {
          key: wanted.key,
          run: async () => {
            const example = exampleFor(wanted) ?? (await keptExample(wanted));
            if (!example) {
              throw new Error('This device no longer has the picture of this search: drop it here again, or pick it with “Search by image”.');
            }
            return library.search.byImage(example.image);
          },
        };
    }
  };

  /** After a reload: the picture from where this device keeps it (then it is shown again too). */
  const keptExample = async (wanted: Extract<SearchTarget, { kind: 'image' }>): Promise<Example | null> => {
    if (!wanted.imageId) return null;
    const image = await library.search.keptExample(wanted.imageId);
    if (!image) return null;
    const example = { name: wanted.name, id: wanted.imageId, image };
    setLastExample(example);
    return example;
  };

  // Typed queries wait for a pause in typing; a picked example or "More like this" runs at once.
  createEffect(
    on(target, (wanted) => {
      const request = requestOf(wanted);
      if (request) search.schedule(request, { immediate: wanted.kind !== 'text' });
      else search.clear();
    }),
  );

  const searchNow = () => {
    const request = requestOf(target());
    if (request) search.schedule(request, { immediate: true });
  };
  window.addEventListener(SEARCH_NOW_EVENT, searchNow);
  // Videos no search reads yet (being imported or indexed for the first time): the results say so, and are searched
  // again as soon as one is done, so that what the note promises happens without a retype.
  const stillIndexing = createMemo(() => notSearchedYet(library.videos()));
  createEffect(
    on(stillIndexing, (now, before) => {
      if (before !== undefined && now < before && view().phase === 'done') searchNow();
    }),
  );
  onCleanup(() => window.removeEventListener(SEARCH_NOW_EVENT, searchNow));

  const searchByImage = async (files: File[]) => {
    const image = files.find(isImage);
    if (!image) {
      notices.push({
        status: 'error',
        title: 'Not an image',
        message: 'Search by example takes a picture (JPEG, PNG or WebP). To import videos, use Import or drop them on the Library page.',
      });
      return;
    }
    const name = image.name || 'image';
    const id = await library.search.keepExample(image);
    setLastExample({ name, id, image });
    const wanted = target();
    // The same picture again does not change the URL: search with it again directly.
    if (wanted.kind === 'image' && wanted.name === name && wanted.imageId === id) searchNow();
    else navigate(examplePath(name, id));
  };
  const dragging = createFileDrop(searchByImage);

  const result = () => view().result;
  const groups = createMemo(() => splitByConfidence(result()?.hits ?? []));
  // Notes say what could not take part; the query's own problems (a bad date…) are among them, marked as warnings.
  const notes = createMemo(() => {
    const found = result();
    const warnings = new Set(found?.query?.warnings ?? []);
    return (found?.notes ?? []).map((text) => ({ text, warning: warnings.has(text) }));
  });
  const shownKind = () => (view().shownKey.startsWith('example:') ? 'example' : 'text');
  // Which models are here, asked again for each search shown: one may have been downloaded meanwhile.
  const models = createLoader(
    () => (result() ? `${view().shownKey}|${library.models.changes()}` : null),
    () => library.models.list(),
  );
  const missingModels = createMemo(() =>
    result() ? modelNotes(shownKind() === 'example' ? 'image' : 'text', models.value(), result()?.unavailable) : [],
  );
  const heading = () => {
    switch (target().kind) {
      case 'like':
        return 'More like this';
      case 'image':
        return 'Search by image';
      default:
        return 'Search';
    }
  };
  createDocumentTitle(() => (target().kind === 'text' ? `${target().key} · Search` : heading()));

  const status = () => {
    const current = view();
    // A search waits for the database: say so rather than "Searching…" while it opens.
    if (current.phase === 'searching') return library.ready() ? 'Searching…' : 'Opening your library…';
    if (current.phase === 'error') return 'The search failed.';
    if (current.phase === 'idle') return 'Type in the search box above, or search with a picture.';
    const found = result();
    if (!found) return '';
    const count = groups().strong.length;
    const weak = groups().weak.length;
    const matches = count === 0 ? 'No matching scenes' : `${count} ${count === 1 ? 'scene' : 'scenes'}`;
    return `${matches}${weak > 0 ? ` · ${weak} weaker` : ''} · ${Math.round(found.tookMs)} ms`;
  };

  // ↑/↓ walk the results (↑ from the first goes back to the box), Escape returns to the box.
  const onResultsKey = (event: KeyboardEvent) => {
    const links = Array.from(document.querySelectorAll<HTMLElement>(HIT_LINK_SELECTOR));
    const at = links.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      focusSearchBox();
      return;
    }
    if (at === -1 || (event.key !== 'ArrowDown' && event.key !== 'ArrowUp')) return;
    event.preventDefault();
    if (event.key === 'ArrowUp' && at === 0) return focusSearchBox();
    const next = links[event.key === 'ArrowDown' ? Math.min(at + 1, links.length - 1) : at - 1];
    next?.focus();
    next?.scrollIntoView({ block: 'nearest' });
  };

  return (
    <section class="page search-page" aria-labelledby="search-heading">
      <header class="page-header">
        <div>
          {/* Not focusable: the shell's focus-after-navigation would take the focus from the box while typing. */}
          <h1 id="search-heading">{heading()}</h1>
          <p class="page-subtitle" data-testid="search-status" data-state={view().phase} data-query={view().shownKey} role="status">
            {status()}
          </p>
        </div>
        <ExamplePicker onPick={searchByImage} />
      </header>

      <Show when={exampleFor(target())}>
        {(example) => <ExamplePreview image={example().image} name={example().name} />}
      </Show>

      <Show when={result() && (notes().length > 0 || missingModels().length > 0 || stillIndexing() > 0)}>
        <ul class="search-notes">
          <Show when={stillIndexing() > 0}>
            <li class="search-note" data-testid="search-note" data-kind="indexing">
              <Icon name="info" size={16} />
              {stillIndexingNote(stillIndexing())}
            </li>
          </Show>
          <For each={notes()}>
            {(note) => (
              <li
                class="search-note"
                classList={{ 'search-note--warning': note.warning }}
                data-testid="search-note"
                data-kind={note.warning ? 'warning' : 'note'}
              >
                <Icon name={note.warning ? 'alert' : 'info'} size={16} />
                {note.text}
              </li>
            )}
          </For>
          <For each={missingModels()}>
            {(note) => (
              <li class="search-note search-note--model" data-testid="search-note" data-kind="model" data-task={note.task}>
                <Icon name="info" size={16} />
                <span>{note.text}</span>
                <A
                  href="/settings"
                  class="search-note-link"
                  data-testid={note.download ? 'search-note-download' : 'search-note-settings'}
                  data-task={note.task}
                >
                  {note.download ? 'Download' : 'See Settings'}
                </A>
              </li>
            )}
          </For>
        </ul>
      </Show>

      <div class="search-results" classList={{ 'search-results--stale': view().phase === 'searching' }} onKeyDown={onResultsKey}>
        <Switch>
          <Match when={view().phase === 'idle'}>
            <div class="empty search-start" data-testid="search-empty-state">
              <h2>Find any moment in your videos</h2>
              <p>Type what was said or shown. Results update as you type; ↓ moves into them, Enter plays one, and / comes back here.</p>
              <SearchHelp />
              <p class="empty-hint">
                <Icon name="upload" size={16} /> Or drop a picture anywhere on this page to find scenes that look like it, or with the same face.
              </p>
            </div>
          </Match>
          <Match when={view().phase === 'error'}>
            <p class="error-text error-box" role="alert" data-testid="search-error">
              {view().error}
            </p>
          </Match>
          <Match when={result()}>
            <Show when={groups().strong.length > 0} fallback={<NoResults query={view().shownKey} kind={shownKind()} weak={groups().weak.length} />}>
              <ol class="hit-list" aria-label="Results">
                <For each={groups().strong}>{(hit) => <HitCard hit={hit} />}</For>
              </ol>
            </Show>
            <Show when={groups().weak.length > 0}>
              <h2 class="search-divider" data-testid="weak-divider">
                Weaker matches
              </h2>
              <ol class="hit-list hit-list--weak" aria-label="Weaker matches">
                <For each={groups().weak}>{(hit) => <HitCard hit={hit} />}</For>
              </ol>
            </Show>
          </Match>
          <Match when={true}>
            <div class="search-loading">
              <span class="spinner spinner--large" role="presentation" />
            </div>
          </Match>
        </Switch>
      </div>

      <Show when={dragging()}>
        <div class="drop-overlay" aria-hidden="true">
          <div class="drop-overlay-inner">
            <Icon name="upload" size={36} />
            <p>Drop a picture to find scenes like it</p>
          </div>
        </div>
      </Show>
    </section>
  );
}

/**
 * Nothing matched clearly. With weaker matches below, it says so without claiming that nothing matched (those
 * scenes are results too); with none, it says nothing matched and how to search differently.
 */
function NoResults(props: { query: string; kind: 'text' | 'example'; weak: number }): JSX.Element {
  return (
    <div class="empty search-none" data-testid="search-no-results" data-weak={props.weak}>
      <Switch>
        <Match when={props.kind === 'example' && props.weak > 0}>
          <h2>Nothing looks clearly like this</h2>
          <p>The scenes below look only somewhat alike.</p>
        </Match>
        <Match when={props.kind === 'example'}>
          <h2>No similar scenes</h2>
          <p>Nothing in your library looks clearly like this. Try another picture or another scene.</p>
        </Match>
        <Match when={props.weak > 0}>
          <h2>No clear match for “{props.query}”</h2>
          <p>The scenes below match only in part (a similar word, a near spelling). Check the spelling or use other words for a clearer match.</p>
        </Match>
        <Match when={true}>
          <h2>No scenes match “{props.query}”</h2>
          <p>Check the spelling, use fewer or other words, or remove a filter. Videos whose indexing failed are not searched.</p>
          <SearchHelp />
        </Match>
      </Switch>
    </div>
  );
}

/** "Search by image": a real button over a file input (test hook: example-input). */
function ExamplePicker(props: { onPick: (files: File[]) => void }): JSX.Element {
  let input!: HTMLInputElement;
  return (
    <div class="example-picker">
      <button type="button" class="btn" onClick={() => input.click()}>
        <Icon name="upload" />
        Search by image
      </button>
      <input
        ref={input}
        type="file"
        accept="image/*"
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="example-input"
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          // Cleared so that picking the same file again still searches.
          event.currentTarget.value = '';
          props.onPick(files);
        }}
      />
    </div>
  );
}

/** The picture being searched by, small, so the results can be judged against it. */
function ExamplePreview(props: { image: Blob; name: string }): JSX.Element {
  const url = createMemo(() => {
    const created = URL.createObjectURL(props.image);
    onCleanup(() => URL.revokeObjectURL(created));
    return created;
  });
  return (
    <figure class="example-preview">
      <img src={url()} alt="The picture being searched by" />
      <figcaption>
        Scenes like <strong>{props.name}</strong>
      </figcaption>
    </figure>
  );
}
