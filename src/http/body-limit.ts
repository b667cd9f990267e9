import { bodyLimit } from "hono/body-limit";
import { errorResponse, errors } from "./errors";

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * 413 for bodies over 1 MiB: a declared Content-Length is refused before anything is read,
 * a chunked body is read only until it crosses the limit.
 */
export const limitBody = () => bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => errorResponse(c, errors.payloadTooLarge()) });
