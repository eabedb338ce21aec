import type { JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { moreLikePath } from '../search-format.ts';

/** Opens the search page with the scenes that look like this one (and share its faces). */
export function MoreLikeThisLink(props: { sceneId: string; class?: string }): JSX.Element {
  return (
    <A href={moreLikePath(props.sceneId)} class={props.class ?? 'btn btn--small'} data-testid="more-like-this">
      More like this
    </A>
  );
}
