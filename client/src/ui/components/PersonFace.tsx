import { Show, type JSX } from 'solid-js';
import { createJpegUrl } from '../reactive.ts';
import { Icon } from './Icon.tsx';

/** A face crop (JPEG bytes from the database), or a face outline when there is none. */
export function FaceCrop(props: { bytes: Uint8Array | null | undefined; alt?: string; class?: string; testId?: string }): JSX.Element {
  const url = createJpegUrl(() => props.bytes);
  return (
    <span class={props.class ? `face-crop ${props.class}` : 'face-crop'} data-testid={props.testId}>
      <Show when={url()} fallback={<Icon name="face" size={22} />}>
        {(src) => <img src={src()} alt={props.alt ?? ''} loading="lazy" decoding="async" draggable={false} />}
      </Show>
    </span>
  );
}
