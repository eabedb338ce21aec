import { createEffect, createMemo, createSignal, Match, on, onCleanup, Show, Switch, type JSX } from 'solid-js';
import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import type { SceneCard } from '../../app/cards.ts';
import { useApp } from '../context.tsx';
import { formatBytes, formatDuration, formatFps, formatResolution } from '../format.ts';
import { isInProgress } from '../labels.ts';
import { errorMessage } from '../notices.ts';
import { createDocumentTitle, createKeyedList, createLoader } from '../reactive.ts';
import { startTimeOf } from '../search-format.ts';
import { Icon } from '../components/Icon.tsx';
import { ProcessingProgress } from '../components/ProcessingProgress.tsx';
import { ReindexPanel } from '../components/ReindexPanel.tsx';
import { SceneDetails } from '../components/SceneDetails.tsx';
import { MoreLikeThisLink } from '../components/SearchMoreLikeThis.tsx';
import { SceneStrip } from '../components/SceneStrip.tsx';
import { StageList } from '../components/StageList.tsx';
import { StateBadge } from '../components/StateBadge.tsx';
import { FailureMessage } from '../components/FailureMessage.tsx';
import { GapList } from '../components/GapList.tsx';
import { statusOf } from '../status.ts';
import { VideoActions } from '../components/VideoActions.tsx';
import { OpeningLibrary } from '../components/OpeningLibrary.tsx';

/** Player, details, pipeline stages, the scene strip and the chosen scene's details of one video (route /video/:id). */
export function VideoPage(): JSX.Element {
  const { library, videos } = useApp();
  const params = useParams<{ id: string }>();
  const navigate = useNavigate();
  const videoId = () => params.id ?? '';
  const video = createMemo(() => videos.find((candidate) => candidate.videoId === videoId()));
  const [deleting, setDeleting] = createSignal(false);
  createDocumentTitle(() => video()?.title ?? 'Video');

  return (
    <section class="page video-page">
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <A href="/" class="back-link">
          <Icon name="back" size={16} />
          Library
        </A>
      </nav>
      <Switch>
        <Match when={video()}>
          <VideoDetails videoId={videoId()} onDeleting={() => setDeleting(true)} onDeleted={() => navigate('/', { replace: true })} />
        </Match>
        <Match when={deleting()}>{null}</Match>
        <Match when={!library.ready() && !library.error()}>
          <OpeningLibrary />
        </Match>
        {/* A result the sync server found before this device pulled it: it shows here as soon as it arrives. */}
        <Match when={library.account.account() && !library.account.status().pulledAll}>
          <div class="empty" data-testid="video-arriving">
            <h1 tabIndex={-1}>On its way from your other device</h1>
            <p>This video was indexed on another of your devices and is still being synced here. It opens by itself once it has arrived.</p>
          </div>
        </Match>
        <Match when={true}>
          <div class="empty">
            <h1 tabIndex={-1}>Video not found</h1>
            <p>It may have been deleted, or it was imported on another device.</p>
            <A href="/" class="btn">
              Back to the library
            </A>
          </div>
        </Match>
      </Switch>
    </section>
  );
}

function VideoDetails(props: { videoId: string; onDeleting: () => void; onDeleted: () => void }): JSX.Element {
  const { library, videos } = useApp();
  // Looked up by id each time so the details follow the live card (state, progress, error).
  const video = () => videos.find((candidate) => candidate.videoId === props.videoId);
  const fileUrl = createVideoFileUrl(() => props.videoId);

  // The stages come with the card, from the same read as its state: a separate read, refreshed on a
  // coarser key, lagged behind the badge (an INDEXED video whose stages still said "Waiting").
  const stages = () => video()?.stages ?? [];
  // Scenes are read from the DB again when the pipeline moves on (stage or state), or sync brought changes.
  const sceneKey = () => {
    const v = video();
    return v ? `${v.videoId}|${v.state}|${v.stage ?? ''}|${library.account.status().received}` : null;
  };
  const scenesLoaded = createLoader(sceneKey, () => library.scenes(props.videoId));
  const scenes = createKeyedList<SceneCard>(scenesLoaded.value, 'sceneId');

  let player: HTMLVideoElement | undefined;
  const [activeIdx, setActiveIdx] = createSignal<number | null>(null);
  const sceneAt = (timeS: number) => {
    const last = scenes[scenes.length - 1];
    // At the very end currentTime equals the last scene's end: it still belongs to that scene.
    if (last && timeS >= last.endS) return last;
    return scenes.find((scene) => timeS >= scene.startS && timeS < scene.endS);
  };
  const followPlayback = () => {
    if (!player || player.seeking) return;
    const scene = sceneAt(player.currentTime);
    if (scene) setActiveIdx(scene.idx);
  };
  // A link from search (#/video/<id>?t=12.5) plays from that moment once the player knows the video.
  const [searchParams] = useSearchParams();
  const startAt = () => startTimeOf(searchParams.t);
  const playFromLink = () => {
    const t = startAt();
    if (!player || t === null || player.readyState < HTMLMediaElement.HAVE_METADATA) return;
    player.currentTime = Number.isFinite(player.duration) ? Math.min(t, player.duration) : t;
    // Without a user gesture the browser may refuse to play: the player then waits at that moment.
    void player.play().catch(() => undefined);
  };
  createEffect(on(startAt, playFromLink, { defer: true }));
  // A chosen scene plays from its start. The click is a user gesture, so the browser lets it play; should it
  // refuse all the same, the player waits at the scene's start.
  const selectScene = (scene: SceneCard) => {
    setActiveIdx(scene.idx);
    if (!player) return;
    player.currentTime = scene.startS;
    void player.play().catch(() => undefined);
  };
  // Before any scene is chosen or played, the player stands at the start: the details show the first scene.
  const shownScene = () => {
    const idx = activeIdx();
    const at = idx === null ? 0 : scenes.findIndex((scene) => scene.idx === idx);
    const scene = scenes[at === -1 ? 0 : at];
    return scene ? { scene, position: at === -1 ? 0 : at } : null;
  };
  const hasSkippedStage = () => stages().some((stage) => stage.state === 'COMPLETED' && stage.fillable);

  const details = () => {
    const v = video();
    if (!v) return [];
    const fps = 'fps' in v && typeof v.fps === 'number' ? v.fps : null;
    const duration = v.durationS === null ? '' : formatDuration(v.durationS);
    return [duration, formatResolution(v.width, v.height), formatFps(fps), formatBytes(v.sizeBytes)].filter(Boolean);
  };

  return (
    <Show when={video()}>
      {(v) => (
        <>
          <header class="video-header">
            <div class="video-heading">
              <h1 data-testid="video-title" tabIndex={-1}>
                {v().title}
              </h1>
              <StateBadge state={v().state} status={statusOf(v())} />
            </div>
            <p class="video-meta">
              {details().join(' · ')}
              <Show when={v().fileName !== v().title}>
                <span class="video-file"> · {v().fileName}</span>
              </Show>
            </p>
            <VideoActions
              videoId={v().videoId}
              title={v().title}
              state={v().state}
              retryable={v().retryable}
              onDeleting={props.onDeleting}
              onDeleted={props.onDeleted}
            />
          </header>

          <div class="video-layout">
            <div class="video-main">
              <div class="player-frame">
                <Switch>
                  <Match when={fileUrl.url()}>
                    {(src) => (
                      <video
                        ref={player}
                        class="player"
                        data-testid="player"
                        src={src()}
                        controls
                        preload="metadata"
                        playsinline
                        onLoadedMetadata={playFromLink}
                        onTimeUpdate={followPlayback}
                        onSeeked={followPlayback}
                      />
                    )}
                  </Match>
                  <Match when={fileUrl.error()}>
                    <p class="player-message error-text">{fileUrl.error()}</p>
                  </Match>
                  <Match when={fileUrl.missing() && library.account.deviceName(v().deviceId)}>
                    {(name) => (
                      <p class="player-message" data-testid="player-elsewhere">
                        The original video is on {name()}: play it there. Its scenes, words and people are here to browse and search.
                      </p>
                    )}
                  </Match>
                  <Match when={fileUrl.missing()}>
                    <p class="player-message">The video file is not stored on this device, so it cannot be played here.</p>
                  </Match>
                  <Match when={true}>
                    <span class="spinner spinner--large" role="status" aria-label="Loading the video" />
                  </Match>
                </Switch>
              </div>

              <section class="panel" aria-labelledby="scenes-heading">
                <div class="panel-header">
                  <h2 id="scenes-heading">Scenes</h2>
                  <Show when={scenes.length > 0}>
                    <span class="panel-count">{scenes.length}</span>
                  </Show>
                </div>
                <Switch>
                  <Match when={scenes.length > 0}>
                    <SceneStrip scenes={scenes} activeIdx={activeIdx()} onSelect={selectScene} thumbnailsKey={sceneKey() ?? ''} />
                    <Show when={shownScene()}>
                      {(shown) => (
                        <>
                          <SceneDetails scene={shown().scene} position={shown().position} stages={stages()} />
                          <div class="scene-details-actions">
                            <MoreLikeThisLink sceneId={shown().scene.sceneId} />
                          </div>
                        </>
                      )}
                    </Show>
                  </Match>
                  <Match when={scenesLoaded.error()}>
                    <p class="error-text">Could not load the scenes: {scenesLoaded.error()}</p>
                  </Match>
                  <Match when={isInProgress(v().state)}>
                    <p class="muted">Scenes appear here as soon as they are found.</p>
                  </Match>
                  <Match when={v().state === 'FAILED'}>
                    <p class="muted">No scenes yet: processing stopped before they were found.</p>
                  </Match>
                  <Match when={scenesLoaded.value()}>
                    <p class="muted">No scenes were found in this video.</p>
                  </Match>
                </Switch>
              </section>
            </div>

            <aside class="video-side">
              <section class="panel" aria-labelledby="processing-heading">
                <div class="panel-header">
                  <h2 id="processing-heading">Processing</h2>
                </div>
                <Show when={v().state === 'UPLOADING' || v().running}>
                  <ProcessingProgress state={v().state} stage={v().stage} stageProgress={v().stageProgress} overallProgress={v().overallProgress} />
                </Show>
                <Show when={v().queuePosition !== null && !v().running}>
                  <p class="muted" data-testid="queue-note">
                    {statusOf(v()).label}: it starts when the videos before it are done.
                  </p>
                </Show>
                <Show when={v().state === 'FAILED'}>
                  <FailureMessage error={v().error} details={v().errorDetails} class="error-box" />
                </Show>
                <Show when={v().gaps.length > 0}>
                  <div class="gaps-panel">
                    <p class="gaps-title">Indexed with gaps</p>
                    <GapList gaps={v().gaps} />
                  </div>
                </Show>
                <StageList stages={stages()} liveStage={v().stage} liveProgress={v().stageProgress} />
                <Show when={v().state === 'INDEXED' && hasSkippedStage()}>
                  <ReindexPanel videoId={v().videoId} title={v().title} />
                </Show>
              </section>
            </aside>
          </div>
        </>
      )}
    </Show>
  );
}

/** The player's object URL for a video, revoked when the id changes or the page closes. */
function createVideoFileUrl(videoId: () => string) {
  const [url, setUrl] = createSignal<string | null>(null);
  const [missing, setMissing] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const { library } = useApp();

  createEffect(
    on(videoId, (id) => {
      let current: string | null = null;
      let disposed = false;
      setUrl(null);
      setMissing(false);
      setError(null);
      library.videoFileUrl(id).then(
        (created) => {
          // The page may have closed while the URL was being made: release it straight away.
          if (disposed) {
            if (created) URL.revokeObjectURL(created);
            return;
          }
          current = created;
          setUrl(created);
          setMissing(created === null);
        },
        (failure: unknown) => {
          if (!disposed) setError(`Could not open the video file: ${errorMessage(failure)}`);
        },
      );
      onCleanup(() => {
        disposed = true;
        if (current) URL.revokeObjectURL(current);
      });
    }),
  );
  return { url, missing, error };
}
