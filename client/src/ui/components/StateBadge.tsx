import type { JSX } from 'solid-js';
import type { VideoState } from '@heimdex/shared-schema';

/** The video's pipeline state, as the enum word (what users see in the docs and tests read), coloured per state. */
export function StateBadge(props: { state: VideoState }): JSX.Element {
  return (
    <span class={`badge badge--${props.state.toLowerCase()}`} data-testid="video-state" data-state={props.state}>
      {props.state}
    </span>
  );
}
