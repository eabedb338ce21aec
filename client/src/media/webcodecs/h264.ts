/**
 * H.264 bitstream facts the WebCodecs path uses to skip work: a picture whose slices all have nal_ref_idc 0
 * is never used to predict another picture, so it can be left undecoded without harming the rest (ffmpeg's
 * `-skip_frame nonref`). x264's default B-frames make ~45% of the pictures such (all the fixtures).
 */

/** The byte size of the NAL length prefixes in MP4 samples: avcC's lengthSizeMinusOne + 1 (usually 4). */
export function avcLengthSize(avcC: Uint8Array): number {
  if (avcC.length < 5 || avcC[0] !== 1) throw new Error('not an avcC record');
  return (avcC[4]! & 0b11) + 1;
}

/**
 * True when every coded slice in the sample (NAL types 1–5) has nal_ref_idc 0. False when in doubt: no slice,
 * or lengths that do not add up (the sample is then decoded as usual).
 */
export function isNonReferencePicture(sample: Uint8Array, lengthSize: number): boolean {
  let at = 0;
  let slices = 0;
  while (at < sample.length) {
    if (at + lengthSize >= sample.length) return false;
    let length = 0;
    for (let k = 0; k < lengthSize; k++) length = length * 256 + sample[at + k]!;
    const header = sample[at + lengthSize]!;
    const type = header & 0x1f;
    if (type >= 1 && type <= 5) {
      if ((header >> 5) & 0b11) return false;
      slices++;
    }
    at += lengthSize + length;
  }
  return at === sample.length && slices > 0;
}
