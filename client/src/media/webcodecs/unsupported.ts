/**
 * The file or the browser cannot take the WebCodecs path (no WebCodecs, a container or codec it does not
 * handle, a decoder that fails): an expected outcome, after which the caller uses ffmpeg.wasm instead.
 */
export class WebCodecsUnsupported extends Error {
  override readonly name = 'WebCodecsUnsupported';
}
