// Speech task: load Whisper lazily, transcribe 16 kHz PCM into timed segments, give scenes their text.
export { loadAsr, defaultWhisperDtype, whisperDevice, whisperFiles } from './whisper.ts';
export type { AsrEngine, AsrModelId, LoadAsrOptions, TranscribeOptions, WhisperDtype } from './whisper.ts';
export { assignSegmentsToScenes } from './scenes.ts';
export type { SceneRange, AssignOptions } from './scenes.ts';
export type { Transcript, TranscriptSegment } from './types.ts';
export { WHISPER_SAMPLE_RATE } from './types.ts';
