CREATE TABLE `device_assignments` (
	`device_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`organization_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`device_id`, `customer_id`),
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_assignments_customer_idx` ON `device_assignments` (`customer_id`);--> statement-breakpoint
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`identifier` text NOT NULL,
	`type` text,
	`properties` text DEFAULT '{}' NOT NULL,
	`categories` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_org_identifier_uq` ON `devices` (`organization_id`,`identifier`);--> statement-breakpoint
ALTER TABLE `customers` ADD `address` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `metadata` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `tickets` ADD `device_id` text REFERENCES devices(id);--> statement-breakpoint
-- Customers created before names defaulted: Telemetron names them by the email's local part.
UPDATE `customers` SET `name` = substr(`email`, 1, instr(`email`, '@') - 1) WHERE `name` IS NULL;
