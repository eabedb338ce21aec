// `#ort` (client/package.json "imports"): the WebGPU build of onnxruntime-web in the browser — the one
// transformers.js imports, so the bundle holds one ORT — and the plain build in Node, where the
// asyncify build runs PP-OCR ~7× slower and stalls later WebAssembly compiles (measured).
declare module '#ort' {
  export * from 'onnxruntime-web/webgpu';
}
