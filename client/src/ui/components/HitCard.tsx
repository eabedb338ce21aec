import { For, Show, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import type { SearchHit } from '../../search/types.ts';
import { useApp } from '../context.tsx';
import { createLoader, createSeen } from '../reactive.ts';
import { formatTimeRange, formatTimecode } from '../format.ts';
import { faceMatchLabel, filterPhrase, playPath, REASON_LABELS, reasonPhrases } from '../search-format.ts';
import { ClipExportButton } from './ClipExportButton.tsx';
import { MoreLikeThisLink } from './SearchMoreLikeThis.tsx';
import { SnippetText } from './SnippetText.tsx';
import { Thumbnail } from './Thumbnail.tsx';

/**
 * One found scene: its keyframe, video, time and why it matched. The link plays the video from the
 * moment (the spoken words' time when speech matched); its actions find similar scenes or save the clip.
 */
export function HitCard(props: { hit: SearchHit }): JSX.Element {
  const hit = () => props.hit;
  const { library, videos } = useApp();
  // Its thumbnail is read once the card is in view or near it (app/scene-thumbnails.ts), not with the search.
  const [seen, seenRef] = createSeen();
  const thumbnail = createLoader(
    () => (seen() ? hit().sceneId : null),
    () => library.thumbnails.of(hit()),
  );
  /** Found in a video indexed on another device: it names that device (the original is there). */
  const heldBy = () =>
    hit().fromServer
      ? (hit().fromServer!.deviceName ?? 'a removed device')
      : library.account.deviceName(videos.find((v) => v.videoId === hit().videoId)?.deviceId);
  /** The filters it is there for, said in a line of their own ("In “beach trip” · after 2024-05-01"). */
  const filterLine = () => hit().filters.map(filterPhrase).join(' · ');
  const filterKinds = () => new Set<string>(hit().filters.map((f) => f.kind));
  // Chips for the reasons the filter line does not already say.
  const reasonChips = () =>
    hit()
      .reasons.filter((reason) => !filterKinds().has(reason))
      .map((reason) =>
        reason === 'person' && hit().face
          ? { reason, label: faceMatchLabel(hit().face!, hit().people) }
          : reason === 'person' && hit().people.length > 0
            ? { reason, label: `${REASON_LABELS.person}: ${hit().people.join(', ')}` }
            : { reason, label: REASON_LABELS[reason] },
      );
  const label = () =>
    [
      hit().videoTitle,
      heldBy() ? `on ${heldBy()}` : '',
      `${formatTimecode(hit().startS)} to ${formatTimecode(hit().endS)}`,
      `${hit().confident ? 'matched' : 'weaker match'}: ${reasonPhrases(hit()).join('; ')}`,
    ]
      .filter(Boolean)
      .join(', ');

  return (
    <li
      class="hit"
      classList={{ 'hit--weak': !hit().confident }}
      data-testid="search-hit"
      data-scene-id={hit().sceneId}
      data-video-id={hit().videoId}
      data-file-name={hit().fileName}
      data-start={hit().startS}
      data-end={hit().endS}
      data-play-from={hit().playFromS}
      data-score={hit().score}
      data-confident={hit().confident ? 'true' : 'false'}
      data-reasons={hit().reasons.join(',')}
      data-device={heldBy() ?? undefined}
    >
      <A href={playPath(hit().videoId, hit().playFromS)} class="hit-link" aria-label={label()}>
        <div class="hit-media" ref={seenRef}>
          <Thumbnail bytes={thumbnail.value()} alt="" class="hit-thumb" />
          <span class="duration-chip">{formatTimecode(hit().playFromS)}</span>
        </div>
        <div class="hit-body">
          <div class="hit-heading">
            <h3 class="hit-title">{hit().videoTitle}</h3>
            <span class="hit-time">{formatTimeRange(hit().startS, hit().endS)}</span>
          </div>
          <Show when={heldBy()}>{(name) => <p class="card-device" data-testid="hit-device">On {name()}</p>}</Show>
          <Show when={filterLine()}>
            <p class="hit-filters" data-testid="hit-filters">
              {filterLine()}
            </p>
          </Show>
          <For each={hit().snippets}>{(snippet) => <SnippetText snippet={snippet} />}</For>
          <Show when={reasonChips().length > 0}>
            <ul class="hit-reasons" aria-hidden="true">
              <For each={reasonChips()}>
                {(chip) => (
                  <li class={`reason-chip reason-chip--${chip.reason}`} data-reason={chip.reason}>
                    {chip.label}
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </div>
      </A>
      <div class="hit-actions">
        <MoreLikeThisLink sceneId={hit().sceneId} class="btn btn--small btn--ghost" />
        <ClipExportButton videoId={hit().videoId} title={hit().videoTitle} startS={hit().startS} endS={hit().endS} />
      </div>
    </li>
  );
}
