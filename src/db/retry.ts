/**
 * D1 errors its documentation marks as transient, worth retrying a write that is safe to repeat
 * (https://developers.cloudflare.com/d1/best-practices/retry-queries/, and the D1_ERROR list it
 * links). D1 retries read-only queries itself; writes are ours to retry.
 */
const RETRYABLE = /Network connection lost|storage caused object to be reset|reset because its code was updated/;

export const isRetryableD1Error = (err: unknown): boolean => RETRYABLE.test(String(err));
