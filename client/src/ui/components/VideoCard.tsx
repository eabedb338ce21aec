import { Show, type JSX } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import type { VideoCard as VideoCardData } from '../../app/cards.ts';
import { useApp } from '../context.tsx';
import { formatBytes, formatDuration, formatResolution } from '../format.ts';
import { statusOf } from '../status.ts';
import { FailureMessage } from './FailureMessage.tsx';
import { GapList } from './GapList.tsx';
import { Icon } from './Icon.tsx';
import { ProcessingProgress } from './ProcessingProgress.tsx';
import { StateBadge } from './StateBadge.tsx';
import { Thumbnail } from './Thumbnail.tsx';
import { VideoActions } from './VideoActions.tsx';

/** Clicks on these belong to the control, not to the card around it. */
const INTERACTIVE = 'button, a, input, select, textarea, details, [role="group"]';

/**
 * One video in the grid. The whole card opens the Video page (click, or Enter while it has focus);
 * its buttons act on their own.
 */
export function VideoCard(props: { video: VideoCardData }): JSX.Element {
  const navigate = useNavigate();
  const { library } = useApp();
  /** Indexed on another device of the account: its original file is there, not here. */
  const heldBy = () => library.account.deviceName(props.video.deviceId);
  const open = () => navigate(`/video/${encodeURIComponent(props.video.videoId)}`);
  const titleId = () => `video-title-${props.video.videoId}`;
  const status = () => statusOf(props.video);
  /** Something is happening to it now: copying, or the pipeline's current video. */
  const busy = () => props.video.state === 'UPLOADING' || props.video.running;
  const meta = () =>
    [formatResolution(props.video.width, props.video.height), formatBytes(props.video.sizeBytes)].filter(Boolean).join(' · ');

  return (
    <article
      class="card"
      tabIndex={0}
      aria-labelledby={titleId()}
      data-testid="video-card"
      data-state={props.video.state}
      data-video-id={props.video.videoId}
      data-device={heldBy() ?? undefined}
      onClick={(event) => {
        if (event.target instanceof Element && event.target.closest(INTERACTIVE)) return;
        open();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && event.target === event.currentTarget) {
          event.preventDefault();
          open();
        }
      }}
    >
      <div class="card-media">
        <Thumbnail bytes={props.video.thumbnail} alt="" />
        <Show when={props.video.durationS !== null}>
          <span class="duration-chip">{formatDuration(props.video.durationS)}</span>
        </Show>
      </div>
      <div class="card-body">
        <div class="card-heading">
          <h2 class="card-title" id={titleId()} data-testid="video-title" title={props.video.title}>
            {props.video.title}
          </h2>
          <StateBadge state={props.video.state} status={status()} />
        </div>
        <Show when={meta()}>
          <p class="card-meta">{meta()}</p>
        </Show>
        <Show when={heldBy()}>
          {(name) => (
            <p class="card-device" data-testid="video-device" title={`The original video is on ${name()}`}>
              <Icon name="chip" size={14} /> On {name()}
            </p>
          )}
        </Show>
        <Show when={busy()}>
          <ProcessingProgress
            state={props.video.state}
            stage={props.video.stage}
            stageProgress={props.video.stageProgress}
            overallProgress={props.video.overallProgress}
          />
        </Show>
        <Show when={props.video.state === 'FAILED'}>
          <FailureMessage error={props.video.error} details={props.video.errorDetails} />
          {/* A run again stopped after it wrote (a model installed, Re-index): search keeps the video (ownScenes). */}
          <Show when={!props.video.firstIndexing}>
            <p class="card-meta" data-testid="video-still-searched">
              Search still finds this video by what was indexed before. Retry to finish indexing.
            </p>
          </Show>
        </Show>
        <Show when={props.video.gaps.length > 0}>
          <GapList gaps={props.video.gaps} />
        </Show>
        <VideoActions videoId={props.video.videoId} title={props.video.title} state={props.video.state} retryable={props.video.retryable} />
      </div>
    </article>
  );
}
