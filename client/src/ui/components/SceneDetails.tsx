import { For, Show, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import type { SceneCard, StageStatus } from '../../app/cards.ts';
import { formatTimeRange } from '../format.ts';
import { analysisOf, emptyFactText, faceCountText, SCENE_FACTS, type SceneFact } from '../scene-facts.ts';
import { Icon } from './Icon.tsx';

/**
 * What was found in one scene: its words, its on-screen text, its faces, and whether visual search can
 * find it. An empty field says whether nothing was there or the step did not run (see scene-facts.ts).
 */
export function SceneDetails(props: { scene: SceneCard; position: number; stages: readonly StageStatus[] }): JSX.Element {
  const empty = (fact: SceneFact) => emptyFactText(fact, analysisOf(props.stages, SCENE_FACTS[fact].stage));
  const transcript = () => props.scene.transcript.trim();
  const ocrText = () => props.scene.ocrText.trim();

  return (
    <section class="scene-details" data-testid="scene-details" data-idx={props.scene.idx} aria-labelledby="scene-details-heading">
      <header class="scene-details-header">
        <h3 id="scene-details-heading">Scene {props.position + 1}</h3>
        <span class="scene-details-time">{formatTimeRange(props.scene.startS, props.scene.endS)}</span>
      </header>
      <dl class="facts">
        <div class="fact">
          <dt>Spoken words</dt>
          <dd data-testid="scene-transcript">
            <Show when={transcript()} fallback={<span class="fact-empty">{empty('transcript')}</span>}>
              <q class="fact-quote">{transcript()}</q>
            </Show>
          </dd>
        </div>
        <div class="fact">
          <dt>On-screen text</dt>
          <dd data-testid="scene-ocr">
            <Show when={ocrText()} fallback={<span class="fact-empty">{empty('ocrText')}</span>}>
              <p class="fact-ocr">{ocrText()}</p>
            </Show>
          </dd>
        </div>
        <div class="fact">
          <dt>Faces</dt>
          <dd data-testid="scene-faces">
            <Show when={props.scene.faceCount > 0} fallback={<span class="fact-empty">{empty('faces')}</span>}>
              <span class="fact-inline">
                <Icon name="face" size={16} />
                {faceCountText(props.scene.faceCount)}
              </span>
              <Show when={props.scene.people.length > 0}>
                <ul class="fact-people" data-testid="scene-people">
                  <For each={props.scene.people}>
                    {(person) => (
                      <li>
                        <A href={`/people/${person.personId}`} class="reason-chip reason-chip--person">
                          {person.name}
                        </A>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </Show>
          </dd>
        </div>
        <div class="fact">
          <dt>Visual search</dt>
          <dd data-testid="scene-visual">
            <Show when={props.scene.hasImageVector} fallback={<span class="fact-empty">{empty('visual')}</span>}>
              <span class="fact-inline fact-ready">
                <Icon name="check" size={16} />
                Visual search ready
              </span>
            </Show>
          </dd>
        </div>
      </dl>
    </section>
  );
}
