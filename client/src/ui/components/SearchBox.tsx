import { createEffect, on, onCleanup, type JSX } from 'solid-js';
import { useLocation, useNavigate, useSearchParams } from '@solidjs/router';
import { searchPath, searchTarget } from '../search-format.ts';

/** Asks the search page to run the box's query now, without waiting for the typing pause (Enter). */
export const SEARCH_NOW_EVENT = 'heimdex:search-now';
/** The search page's result links, in the order the arrow keys walk them. */
export const HIT_LINK_SELECTOR = '[data-testid="search-hit"] .hit-link';

export function focusSearchBox(): void {
  const box = document.querySelector<HTMLInputElement>('[data-testid="search-input"]');
  box?.focus();
  box?.select();
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}

/**
 * The one search box, in the top bar of every page. Typing opens the search page with the query in the
 * URL (#/search?q=…), so reload, back and a copied link show the same search; the page waits for a
 * pause in typing before it searches. "/" focuses the box from anywhere; ↓ moves to the first result.
 */
export function SearchBox(): JSX.Element {
  const location = useLocation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  let input!: HTMLInputElement;

  const onSearchPage = () => location.pathname === '/search';
  // Follow the URL when it changes from elsewhere (back, forward, a link). Never while the box has focus:
  // navigations commit asynchronously, so the URL may still hold a query a keystroke or two old.
  createEffect(
    on([onSearchPage, () => params.q, () => params.like, () => params.example], () => {
      if (!onSearchPage() || document.activeElement === input) return;
      const target = searchTarget(params);
      const shown = target.kind === 'text' ? target.query : '';
      if (input.value.trim() !== shown) input.value = shown;
    }),
  );

  const go = (query: string) => {
    const target = searchTarget(params);
    // One history entry per search, not per keystroke: typing on from a text search replaces it.
    const replace = onSearchPage() && (target.kind === 'text' || target.kind === 'none');
    navigate(searchPath(query), { replace, scroll: !replace });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      const first = document.querySelector<HTMLElement>(HIT_LINK_SELECTOR);
      if (!first) return;
      event.preventDefault();
      first.focus();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const query = input.value;
      if (!onSearchPage() || searchTarget(params).key !== query.trim()) go(query);
      window.dispatchEvent(new CustomEvent(SEARCH_NOW_EVENT));
    }
  };

  const onGlobalKey = (event: KeyboardEvent) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (isEditable(event.target)) return;
    event.preventDefault();
    focusSearchBox();
  };
  document.addEventListener('keydown', onGlobalKey);
  onCleanup(() => document.removeEventListener('keydown', onGlobalKey));

  return (
    <form class="search-box" role="search" onSubmit={(event) => event.preventDefault()}>
      <label for="search-input" class="visually-hidden">
        Search your videos
      </label>
      <svg class="search-box-icon icon" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true">
        <path d="M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zm9 2-4.35-4.35" />
      </svg>
      <input
        ref={input}
        id="search-input"
        class="search-box-input"
        data-testid="search-input"
        type="search"
        autocomplete="off"
        spellcheck={false}
        placeholder="Search what was said or shown"
        aria-keyshortcuts="/"
        aria-describedby="search-box-hint"
        onInput={(event) => go(event.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <kbd class="search-box-key" id="search-box-hint" aria-label="Press slash to search">
        /
      </kbd>
    </form>
  );
}
