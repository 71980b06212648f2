CREATE TABLE `delivery_pace` (
	`destination` text PRIMARY KEY NOT NULL,
	`next_at` integer NOT NULL
);
