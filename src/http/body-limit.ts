import { bodyLimit } from "hono/body-limit";
import { errorResponse, errors } from "./errors";
import { MAX_BODY_BYTES } from "./limits";

export { MAX_BODY_BYTES };

/**
 * 413 for bodies over MAX_BODY_SIZE: a declared Content-Length is refused before anything is read,
 * a chunked body is read only until it crosses the limit.
 */
export const limitBody = () => bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => errorResponse(c, errors.payloadTooLarge()) });
