import { Show, type JSX } from 'solid-js';

/** Why a video failed, in one sentence; the technical rest (ffmpeg's words, a stack message) waits behind "Show details". */
export function FailureMessage(props: { error: string | null; details: string | null; class?: string }): JSX.Element {
  return (
    <div class={`failure ${props.class ?? ''}`}>
      <p class="error-text" data-testid="video-error">
        {props.error ?? 'Processing failed.'}
      </p>
      <Show when={props.details}>
        {(details) => (
          <details class="failure-details" data-testid="error-details">
            <summary>Show details</summary>
            <p class="failure-details-text">{details()}</p>
          </details>
        )}
      </Show>
    </div>
  );
}
