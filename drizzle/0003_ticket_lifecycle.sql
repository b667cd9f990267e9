CREATE TABLE `ticket_events` (
	`id` text PRIMARY KEY NOT NULL,
	`ticket_id` text NOT NULL,
	`organization_id` text NOT NULL,
	`type` text NOT NULL,
	`actor` text NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_events_ticket_created_idx` ON `ticket_events` (`ticket_id`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `jobs_ticket_kind_uq`;--> statement-breakpoint
ALTER TABLE `jobs` ADD `event_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_ticket_kind_event_uq` ON `jobs` (`ticket_id`,`kind`,`event_id`);--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `response` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `assignee_source` text;--> statement-breakpoint
CREATE INDEX `tickets_org_updated_idx` ON `tickets` (`organization_id`,`updated_at`);