import { MediaError, type MediaErrorKind } from './types.ts';

/**
 * How a MediaError crosses the worker boundary. Comlink serialises a thrown Error as name/message/stack only
 * (the kind would be lost) but rethrows a thrown plain object as it is, so MediaErrors travel as this object
 * and the client turns them back into MediaErrors. Other errors travel as ordinary Errors.
 */
interface WireMediaError {
  heimdexMediaError: MediaErrorKind;
  message: string;
  details: string | null;
}

export function toWire(error: unknown): unknown {
  if (error instanceof MediaError) return { heimdexMediaError: error.kind, message: error.message, details: error.details } satisfies WireMediaError;
  return error;
}

export function fromWire(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && 'heimdexMediaError' in error) {
    const wire = error as WireMediaError;
    return new MediaError(wire.heimdexMediaError, wire.message, wire.details ?? null);
  }
  return error;
}
