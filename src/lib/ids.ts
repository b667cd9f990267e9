import { v7 } from "uuid";

/** Time-ordered UUIDv7: new rows land at the right edge of every (org, created_at, id) index. */
export const newId = (): string => v7();
