CREATE TABLE `attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`ticket_id` text NOT NULL,
	`position` integer NOT NULL,
	`ordinal` integer NOT NULL,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`r2_key` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `attachments_ticket_idx` ON `attachments` (`ticket_id`,`position`,`ordinal`);--> statement-breakpoint
CREATE TABLE `email_addresses` (
	`address` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`position` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `email_addresses_org_idx` ON `email_addresses` (`organization_id`,`position`);--> statement-breakpoint
CREATE TABLE `email_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`message_id` text NOT NULL,
	`ticket_id` text NOT NULL,
	`direction` text NOT NULL,
	`sender` text,
	`opened_ticket` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `email_messages_org_message_uq` ON `email_messages` (`organization_id`,`message_id`);--> statement-breakpoint
CREATE INDEX `email_messages_ticket_idx` ON `email_messages` (`ticket_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `email_messages_org_sender_idx` ON `email_messages` (`organization_id`,`sender`,`created_at`);--> statement-breakpoint
CREATE INDEX `email_messages_org_opened_idx` ON `email_messages` (`organization_id`,`created_at`) WHERE "email_messages"."opened_ticket" = 1;--> statement-breakpoint
ALTER TABLE `organizations` ADD `email_from_name` text;--> statement-breakpoint
ALTER TABLE `organizations` ADD `email_auto_acknowledge` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `ticket_messages` ADD `from_address` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `channel` text DEFAULT 'api' NOT NULL;--> statement-breakpoint
ALTER TABLE `tickets` ADD `reply_token` text;--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_reply_token_uq` ON `tickets` (`reply_token`);