import { createEffect, For, Show, type JSX } from 'solid-js';
import type { SceneCard } from '../../app/cards.ts';
import { formatTimeRange, formatTimecode } from '../format.ts';
import { useApp } from '../context.tsx';
import { createLoader, createScrollEdges, createViewWatch } from '../reactive.ts';
import { faceCountText } from '../scene-facts.ts';
import { Icon } from './Icon.tsx';
import { Thumbnail } from './Thumbnail.tsx';

const scrollBehavior = (): ScrollBehavior => (window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth');

/**
 * The scenes of a video as a horizontal strip of buttons. Selecting one plays the video from it; the strip
 * keeps the active scene (the one being played) highlighted and scrolled into view. Badges on a thumb
 * say what was found in the scene: faces (with their count) and on-screen text ("T"). When the scenes do
 * not fit, faded edges and ◀ ▶ buttons show that the strip scrolls (each hidden at its end). A scene's thumbnail is
 * read as the scene comes near the strip's visible part (a strip's width ahead either way), not with the video's
 * scenes, and asked for again when `thumbnailsKey` changes (the pipeline moved on: thumbnails may have been made).
 */
export function SceneStrip(props: {
  scenes: SceneCard[];
  activeIdx: number | null;
  onSelect: (scene: SceneCard) => void;
  thumbnailsKey: string;
}): JSX.Element {
  const { library } = useApp();
  let strip: HTMLOListElement | undefined;
  const createSeenInStrip = createViewWatch({ root: () => strip, margin: '0px 100%' });
  const edges = createScrollEdges(() => strip);
  const sceneButtons = () => Array.from(strip?.querySelectorAll<HTMLButtonElement>('button') ?? []);

  // Scroll only the strip, horizontally: scrollIntoView would also scroll the page under a playing video.
  createEffect(() => {
    const idx = props.activeIdx;
    if (idx === null || !strip) return;
    const button = strip.querySelector<HTMLElement>(`[data-idx="${idx}"]`);
    if (!button) return;
    const left = button.offsetLeft;
    const right = left + button.offsetWidth;
    if (left >= strip.scrollLeft && right <= strip.scrollLeft + strip.clientWidth) return;
    strip.scrollTo({ left: left - (strip.clientWidth - button.offsetWidth) / 2, behavior: scrollBehavior() });
  });

  const scrollByPage = (direction: -1 | 1, button: HTMLButtonElement) => {
    if (!strip) return;
    const target = strip.scrollLeft + direction * strip.clientWidth * 0.8;
    const end = direction < 0 ? target <= 1 : target >= strip.scrollWidth - strip.clientWidth - 1;
    // The button hides at its end: had it the focus, the focus goes to the scene at that end, not to the page.
    if (end && document.activeElement === button) {
      const buttons = sceneButtons();
      (direction < 0 ? buttons[0] : buttons.at(-1))?.focus({ preventScroll: true });
    }
    strip.scrollBy({ left: direction * strip.clientWidth * 0.8, behavior: scrollBehavior() });
  };

  // Arrow keys move between scenes, as in a toolbar; Tab still walks through them too.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const buttons = sceneButtons();
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at === -1) return;
    const next = buttons[event.key === 'ArrowRight' ? Math.min(at + 1, buttons.length - 1) : Math.max(at - 1, 0)];
    event.preventDefault();
    next?.focus();
  };

  return (
    <div
      class="scene-strip-frame"
      classList={{ 'scene-strip-frame--before': edges.before(), 'scene-strip-frame--after': edges.after() }}
      data-testid="scene-strip"
      data-more-before={edges.before() ? 'true' : 'false'}
      data-more-after={edges.after() ? 'true' : 'false'}
    >
      <ScrollButton side="before" shown={edges.before()} onClick={(button) => scrollByPage(-1, button)} />
      <ol class="scene-strip" ref={strip} onKeyDown={onKeyDown}>
        <For each={props.scenes}>
          {(scene, position) => {
            const [seen, seenRef] = createSeenInStrip();
            // Read thumbnails are kept (app/scene-thumbnails.ts): asking again reads only the ones still missing.
            const thumbnail = createLoader(
              () => (seen() ? `${scene.sceneId}|${props.thumbnailsKey}` : null),
              () => library.thumbnails.of({ sceneId: scene.sceneId }),
            );
            const active = () => props.activeIdx === scene.idx;
            const hasText = () => scene.ocrText.trim() !== '';
            const label = () =>
              [
                `Scene ${position() + 1}, ${formatTimecode(scene.startS)} to ${formatTimecode(scene.endS)}`,
                scene.faceCount > 0 ? faceCountText(scene.faceCount) : '',
                hasText() ? 'on-screen text' : '',
              ]
                .filter(Boolean)
                .join(', ');
            return (
              <li ref={seenRef}>
                <button
                  type="button"
                  class="scene"
                  classList={{ 'scene--active': active() }}
                  data-testid="scene"
                  data-idx={scene.idx}
                  data-start={scene.startS}
                  data-end={scene.endS}
                  data-active={active() ? 'true' : 'false'}
                  data-faces={scene.faceCount}
                  data-ocr={scene.ocrText}
                  aria-current={active() ? 'true' : undefined}
                  aria-label={label()}
                  onClick={() => props.onSelect(scene)}
                >
                  <div class="scene-media">
                    <Thumbnail bytes={thumbnail.value()} alt="" class="scene-thumb" />
                    <Show when={scene.faceCount > 0 || hasText()}>
                      <span class="scene-badges" aria-hidden="true">
                        <Show when={scene.faceCount > 0}>
                          <span class="scene-badge" title={faceCountText(scene.faceCount)}>
                            <Icon name="face" size={12} />
                            {scene.faceCount}
                          </span>
                        </Show>
                        <Show when={hasText()}>
                          <span class="scene-badge scene-badge--text" title="On-screen text">
                            T
                          </span>
                        </Show>
                      </span>
                    </Show>
                  </div>
                  <span class="scene-time">{formatTimeRange(scene.startS, scene.endS)}</span>
                </button>
              </li>
            );
          }}
        </For>
      </ol>
      <ScrollButton side="after" shown={edges.after()} onClick={(button) => scrollByPage(1, button)} />
    </div>
  );
}

/** ◀ or ▶ at an end of the strip, shown while there are scenes beyond that end. */
function ScrollButton(props: { side: 'before' | 'after'; shown: boolean; onClick: (button: HTMLButtonElement) => void }): JSX.Element {
  return (
    <button
      type="button"
      class={`scene-strip-scroll scene-strip-scroll--${props.side}`}
      data-testid={`scene-strip-${props.side}`}
      aria-label={props.side === 'before' ? 'Show earlier scenes' : 'Show later scenes'}
      hidden={!props.shown}
      onClick={(event) => props.onClick(event.currentTarget)}
    >
      <Icon name={props.side === 'before' ? 'back' : 'next'} />
    </button>
  );
}
