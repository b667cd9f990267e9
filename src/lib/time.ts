export const nowIso = (): string => new Date().toISOString();

export const isoAfter = (ms: number, from = Date.now()): string => new Date(from + ms).toISOString();
