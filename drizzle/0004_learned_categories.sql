CREATE TABLE `category_labels` (
	`organization_id` text NOT NULL,
	`category` text NOT NULL,
	`tickets` integer NOT NULL,
	`terms` integer NOT NULL,
	PRIMARY KEY(`organization_id`, `category`),
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `category_terms` (
	`organization_id` text NOT NULL,
	`category` text NOT NULL,
	`term` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`organization_id`, `category`, `term`),
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `category_terms_org_term_idx` ON `category_terms` (`organization_id`,`term`);--> statement-breakpoint
ALTER TABLE `tickets` ADD `category_confidence` real;--> statement-breakpoint
ALTER TABLE `tickets` ADD `terms` text;--> statement-breakpoint
CREATE INDEX `tickets_org_labelled_idx` ON `tickets` (`organization_id`,`updated_at`) WHERE "tickets"."category_source" in ('request', 'manual');