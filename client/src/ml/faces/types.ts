import type { RgbaImage } from '../image.ts';

/** A face's bounding box in pixels of the image it was found in, clipped to that image. */
export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DetectedFace {
  box: FaceBox;
  /** The detector's confidence, 0–1. */
  score: number;
  /** 128-d face descriptor; compare two with `faceDistance` (euclidean, like pgvector's `<->`). */
  descriptor: Float32Array;
  /** A small square picture of the face, as made by the engine's `encodeCrop` (a JPEG in the browser). */
  crop: Uint8Array;
}

export interface FaceEngine {
  /** Faces in the image, highest score first. Calls are serialised: one image at a time. */
  detect(img: RgbaImage): Promise<DetectedFace[]>;
  /**
   * detect for a photo someone gives as an example (a search by face): where the first pass finds nothing, it
   * looks again with the photo framed by a border, so a tight crop of a face (a small head-and-shoulders
   * picture) is found too. Keyframes use detect: most have no face, and a second pass would double their cost.
   */
  detectInPhoto(img: RgbaImage): Promise<DetectedFace[]>;
  /** The TFJS backend the models run on ('wasm' here). */
  readonly device: string;
  /** Backend start plus weight download and decoding, in ms. */
  readonly loadMs: number;
}

/**
 * Where the face-api weights come from: a base URL ('/models/faces/' on the app's own origin), or a function that
 * returns one file's bytes by name (Node tests read them from disk).
 */
export type FaceModelSource = string | ((fileName: string) => Promise<Uint8Array>);

/** Turns a face crop (RGBA, CROP_SIZE px square) into the bytes stored with the face. */
export type CropEncoder = (crop: RgbaImage) => Promise<Uint8Array>;

export interface FaceEngineOptions {
  /** Default in the browser: JPEG through OffscreenCanvas. Node has no OffscreenCanvas: there it must be given. */
  encodeCrop?: CropEncoder;
  /** Detections below this confidence are dropped (default MIN_FACE_SCORE). */
  minScore?: number;
  /** Faces whose box is smaller than this many px on either side are dropped (default MIN_FACE_PX). */
  minFacePx?: number;
}
