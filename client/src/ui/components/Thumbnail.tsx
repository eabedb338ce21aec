import { Show, type JSX } from 'solid-js';
import { createJpegUrl } from '../reactive.ts';
import { Icon } from './Icon.tsx';

/** A JPEG from bytes (thumbnails live in the DB, not at URLs), with a calm placeholder when absent. */
export function Thumbnail(props: { bytes: Uint8Array | null | undefined; alt: string; class?: string }): JSX.Element {
  const url = createJpegUrl(() => props.bytes);
  return (
    <div class={props.class ? `thumb ${props.class}` : 'thumb'}>
      <Show
        when={url()}
        fallback={
          <div class="thumb-placeholder">
            <Icon name="film" size={28} />
          </div>
        }
      >
        {(src) => <img src={src()} alt={props.alt} loading="lazy" decoding="async" draggable={false} />}
      </Show>
    </div>
  );
}
