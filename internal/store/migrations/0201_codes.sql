-- 0201 code dictionaries (internal/codes) imported with 'yardstick codes
-- import': one active version per code system; importing a system again
-- replaces it.

CREATE TABLE code_dicts (
	system       VARCHAR NOT NULL,  -- ICD10-GL2.0, ICD10-YB2.0, ICD9CM3-GL3.0, ICD9CM3-YB2.0
	version      VARCHAR,
	imported_at  TIMESTAMP,
	file         VARCHAR,
	grey_file    VARCHAR,
	codes        BIGINT,
	grey         BIGINT,
	crosswalk    BIGINT
);

CREATE TABLE code_entries (
	system       VARCHAR NOT NULL,
	code         VARCHAR NOT NULL,
	name         VARCHAR,
	grey         BOOLEAN,
	yibao_code   VARCHAR   -- 医保 code when the file was a 国临→医保 crosswalk
);
