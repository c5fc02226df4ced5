-- 0200 qc: front-page quality findings and scores (internal/qc, written by
-- store.RunCheck). qc_findings and qc_scores carry stay_id, so a re-imported
-- stay loses its stale findings and score; they come back on the next check.
-- No identity values are stored here: the worklist joins stays for 病案号 and
-- 住院次数 only.

CREATE TABLE qc_runs (
	check_run_id  BIGINT NOT NULL,
	started_at    TIMESTAMP,
	finished_at   TIMESTAMP,
	source        VARCHAR,  -- 'store' or the checked file name
	config        VARCHAR,  -- rule configuration file, '' = built-in catalogue
	rules         INTEGER,  -- enabled rules
	stays         BIGINT,
	findings      BIGINT,
	errors        BIGINT,
	warnings      BIGINT,
	infos         BIGINT,
	skipped       VARCHAR   -- rules skipped for want of a code dictionary: 'V-02d=123;V-02e=123'
);

CREATE TABLE qc_findings (
	stay_id       BIGINT NOT NULL,
	import_id     BIGINT,
	check_run_id  BIGINT NOT NULL,
	rule_id       VARCHAR NOT NULL,
	category      VARCHAR,
	severity      TINYINT,  -- 1 error, 2 warning, 3 info
	field         VARCHAR,  -- concrete national field code, e.g. C06x03C
	value         VARCHAR,  -- offending value (identity fields masked as ***)
	expect        VARCHAR,
	message_cn    VARCHAR,
	message_en    VARCHAR,
	dept          VARCHAR,  -- B16C at check time (denormalised for filters)
	coder         VARCHAR   -- B29
);

CREATE TABLE qc_scores (
	stay_id       BIGINT NOT NULL,
	import_id     BIGINT,
	check_run_id  BIGINT NOT NULL,
	score         DOUBLE,
	flags         INTEGER,  -- qc.Fail* bits (failed 2016 indicators, has-error)
	errors        INTEGER,
	warnings      INTEGER,
	infos         INTEGER,
	dept          VARCHAR,
	coder         VARCHAR
);
