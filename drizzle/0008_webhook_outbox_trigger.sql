-- Custom migration (drizzle-kit does not generate triggers; made with
-- `drizzle-kit generate --custom --name webhook_outbox_trigger`).
--
-- The webhook outbox: every ticket event, whichever statement writes it (createTicket, updateTicket,
-- addMessages, the pipeline's outcome batches, the email channel, and any writer added later), gets
-- one pending delivery row per enabled endpoint of its organization subscribed to its type, inside
-- the same statement and so the same D1 batch and transaction: no event is delivered for a change
-- that rolled back, and none committed is missed. An organization without an enabled endpoint pays
-- one probe of webhook_endpoints_org_idx (the WHEN clause) per event row, nothing else.
-- The delivery's id is random hex (SQLite has no UUIDv7); rows are ordered by (created_at, id).
CREATE TRIGGER `ticket_events_webhook_outbox` AFTER INSERT ON `ticket_events`
WHEN EXISTS (SELECT 1 FROM `webhook_endpoints` WHERE `organization_id` = NEW.`organization_id` AND `enabled` = 1)
BEGIN
  INSERT INTO `webhook_deliveries`
    (`id`, `organization_id`, `endpoint_id`, `event_id`, `event_type`, `round`, `attempt`, `status`,
     `next_attempt_at`, `created_at`, `updated_at`)
  SELECT lower(hex(randomblob(16))), NEW.`organization_id`, e.`id`, NEW.`id`, 'ticket.' || NEW.`type`, 0, 1, 'pending',
    NEW.`created_at`, NEW.`created_at`, NEW.`created_at`
  FROM `webhook_endpoints` AS e
  WHERE e.`organization_id` = NEW.`organization_id` AND e.`enabled` = 1
    AND (e.`events` IS NULL OR EXISTS (SELECT 1 FROM json_each(e.`events`) WHERE json_each.`value` = 'ticket.' || NEW.`type`));
END;
