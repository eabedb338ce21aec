import type { JSX } from 'solid-js';
import type { VideoState } from '@heimdex/shared-schema';
import type { VideoStatus } from '../status.ts';

/**
 * The video's state for people ("Queued (2nd)", "Indexed with gaps"), coloured per tone. The database
 * state stays in data-state for tests and styling hooks; its enum word is never shown.
 */
export function StateBadge(props: { state: VideoState; status: VideoStatus }): JSX.Element {
  return (
    <span class={`badge badge--${props.status.tone}`} data-testid="video-state" data-state={props.state} data-tone={props.status.tone}>
      {props.status.label}
    </span>
  );
}
