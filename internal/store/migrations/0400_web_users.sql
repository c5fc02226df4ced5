-- Web accounts, their department assignments and the audit log (web, 0400–0499).
CREATE SEQUENCE IF NOT EXISTS web_user_id_seq START 1;
CREATE TABLE IF NOT EXISTS web_users (
	user_id           BIGINT PRIMARY KEY DEFAULT nextval('web_user_id_seq'),
	username          VARCHAR NOT NULL UNIQUE,
	display_name      VARCHAR NOT NULL DEFAULT '',
	role              VARCHAR NOT NULL,
	password_hash     VARCHAR NOT NULL,
	can_view_identity BOOLEAN NOT NULL DEFAULT false,
	disabled          BOOLEAN NOT NULL DEFAULT false,
	created_at        TIMESTAMP NOT NULL DEFAULT current_timestamp,
	password_changed_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS web_user_depts (
	user_id   BIGINT NOT NULL,
	dept_code VARCHAR NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS web_audit_id_seq START 1;
CREATE TABLE IF NOT EXISTS web_audit (
	audit_id  BIGINT PRIMARY KEY DEFAULT nextval('web_audit_id_seq'),
	logged_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
	user_id   BIGINT,
	username  VARCHAR NOT NULL DEFAULT '',
	action    VARCHAR NOT NULL,
	target    VARCHAR NOT NULL DEFAULT '',
	detail    VARCHAR NOT NULL DEFAULT '',
	ip        VARCHAR NOT NULL DEFAULT '',
	ok        BOOLEAN NOT NULL DEFAULT true
);
