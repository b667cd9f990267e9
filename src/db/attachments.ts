import { and, eq } from "drizzle-orm";
import type { Db } from "./client";
import { inKeyOrg, keyOrganization } from "./auth";
import { attachments } from "./email-schema";

/** The key check and the attachment, scoped to the key's organization in SQL, in one batch. */
export const findAttachment = async (db: Db, keyHash: string, attachmentId: string) => {
  const [auth, rows] = await db.batch([
    keyOrganization(db, keyHash),
    db
      .select({ r2Key: attachments.r2Key, filename: attachments.filename, contentType: attachments.contentType })
      .from(attachments)
      .where(and(eq(attachments.id, attachmentId), inKeyOrg(db, attachments.organizationId, keyHash))),
  ]);
  return { authorized: auth.length > 0, attachment: rows[0] };
};
