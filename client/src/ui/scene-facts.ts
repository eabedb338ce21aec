/**
 * What the scene details panel says about each kind of analysis. Pure: unit-tested in Node.
 * An empty field can mean "nothing there" (the stage ran) or "not looked at" (skipped, or still to run);
 * the panel says which, so "No faces found" is never shown for a video whose face model was missing.
 */
import type { JobStage } from '@heimdex/shared-schema';
import type { StageStatus } from '../app/cards.ts';

/** done: the stage ran; skipped: it did no work (reason given); pending: not run yet; absent: not planned for this video. */
export type Analysis = { kind: 'done' } | { kind: 'skipped'; reason: string } | { kind: 'pending' } | { kind: 'absent' };

export function analysisOf(stages: readonly Pick<StageStatus, 'stage' | 'state' | 'skippedReason' | 'keptEarlier'>[], stage: JobStage): Analysis {
  const row = stages.find((candidate) => candidate.stage === stage);
  if (!row) return { kind: 'absent' };
  if (row.state !== 'COMPLETED') return { kind: 'pending' };
  // A run again that failed kept what the stage found the time before: an empty field is still "none found".
  return row.skippedReason && !row.keptEarlier ? { kind: 'skipped', reason: row.skippedReason } : { kind: 'done' };
}

/** The fields of the panel, the stage that fills each, and what to say when it is empty. */
export const SCENE_FACTS = {
  transcript: { stage: 'ASR_FAST', none: 'No spoken words in this scene.', notDone: 'Not transcribed' },
  ocrText: { stage: 'OCR', none: 'No on-screen text found.', notDone: 'Not read' },
  faces: { stage: 'FACE_DETECT', none: 'No faces found.', notDone: 'Not looked for' },
  visual: { stage: 'VISION_EMBED', none: 'Not available for this scene.', notDone: 'Not ready' },
} as const satisfies Record<string, { stage: JobStage; none: string; notDone: string }>;

export type SceneFact = keyof typeof SCENE_FACTS;

/** The polite line shown in place of an empty field. */
export function emptyFactText(fact: SceneFact, analysis: Analysis): string {
  const { none, notDone } = SCENE_FACTS[fact];
  switch (analysis.kind) {
    case 'done':
      return none;
    case 'skipped':
      return `${notDone}: ${lowerFirst(firstSentence(analysis.reason))}`;
    case 'pending':
      return `${notDone} yet.`;
    case 'absent':
      return `${notDone}.`;
  }
}

/** "1 face", "3 faces". */
export function faceCountText(count: number): string {
  return `${count} ${count === 1 ? 'face' : 'faces'}`;
}

/** The first sentence of a reason ("The ocr model ppocr-v4 is not installed."), without the instructions after it. */
export function firstSentence(text: string): string {
  const trimmed = text.trim();
  const match = /^.*?[.!?](?=\s|$)/s.exec(trimmed);
  return match ? match[0] : trimmed;
}

/** "The video has no sound." → "the video has no sound." (left alone when the second letter is a capital, as in "OCR"). */
function lowerFirst(text: string): string {
  if (text.length > 1 && text[1] === text[1]?.toUpperCase() && /[A-Z]/.test(text[1] ?? '')) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}
