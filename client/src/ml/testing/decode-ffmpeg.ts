// Node only (tests, the calibration script): an image decoded to RGBA by Debian ffmpeg, the stand-in for the
// browser's decoder. ffmpeg writes a PAM, whose small text header carries the size of the (filtered) picture.
import { execFileSync } from 'node:child_process';
import type { RgbaImage } from '../image.ts';

/** Decodes the first frame of `input` (ffmpeg input arguments: `['-i', path]` or a lavfi source) through `filter`. */
export function decodeWithFfmpeg(input: string[], filter?: string): RgbaImage {
  const output = ['-frames:v', '1', '-pix_fmt', 'rgba', '-c:v', 'pam', '-f', 'image2pipe', '-'];
  const pam = execFileSync('ffmpeg', ['-v', 'error', ...input, ...(filter ? ['-vf', filter] : []), ...output], {
    maxBuffer: 1 << 28,
  });
  const headerEnd = pam.indexOf('ENDHDR\n') + 'ENDHDR\n'.length;
  const header = pam.subarray(0, headerEnd).toString('latin1');
  const field = (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(header)?.[1]);
  const data = pam.subarray(headerEnd);
  return { width: field('WIDTH'), height: field('HEIGHT'), data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}
