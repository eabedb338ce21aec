// Cheap looks at raw samples before any model runs. Whisper given silence invents text ("Thank you.",
// "Subtitles by ..."), and a silent window costs a full encoder pass: windows that are all but
// digital silence are skipped instead.

/** Root mean square of the samples (0 for none). */
export function rms(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] as number;
    sum += v * v;
  }
  return Math.sqrt(sum / samples.length);
}

/**
 * True when a stretch holds nothing Whisper could hear: RMS under -60 dBFS and no sample louder than
 * -40 dBFS. Deliberately strict — quiet speech, room tone and music all pass and go to the model.
 */
export function isSilent(samples: Float32Array): boolean {
  if (rms(samples) >= 0.001) return false;
  for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i] as number) >= 0.01) return false;
  return true;
}
