-- 0300 indicators: case-level facts (one row per stay, derived by
-- internal/indicator.Derive; columns named as indicator.Columns so indicator
-- expressions render to SQL directly), catalogue versions and entries,
-- manual indicator inputs. stay_facts carries stay_id, so a re-imported stay
-- loses its facts and they are recomputed on the next run.

CREATE TABLE stay_facts (
	stay_id           BIGINT NOT NULL,
	org_code          VARCHAR,
	campus            VARCHAR,
	dept              VARCHAR,  -- B16C
	doctor            VARCHAR,  -- B24 主治医师
	year              INTEGER,  -- of B15
	month             INTEGER,
	adm_date          DATE,
	dis_date          DATE,
	mrn_key           VARCHAR,  -- org|病案号 (readmission linkage)
	id_key            VARCHAR,  -- truncated SHA-256 of the ID number, never the number
	readmit_planned   BOOLEAN,
	discharged        BOOLEAN DEFAULT TRUE,
	surgical          BOOLEAN,
	level4            BOOLEAN,
	min_invasive      BOOLEAN,
	elective          BOOLEAN,
	day_surgery       BOOLEAN,
	operations        INTEGER,
	compl_eligible    BOOLEAN,
	complication      BOOLEAN,
	class1_ops        INTEGER,
	class1_infections INTEGER,
	death             BOOLEAN,
	readmit31         BOOLEAN DEFAULT FALSE,
	los               INTEGER,
	preop_valid       BOOLEAN,
	preop_days        INTEGER,
	total_cost        DOUBLE,
	drug_cost         DOUBLE,
	material_cost     DOUBLE,
	exam_cost         DOUBLE,
	antibiotic_cost   DOUBLE,
	grouped           BOOLEAN DEFAULT FALSE,
	drg               VARCHAR DEFAULT '',
	adrg              VARCHAR DEFAULT '',
	mdc               VARCHAR DEFAULT '',
	src_weight        DOUBLE DEFAULT 0,  -- weight given by the grouper
	src_tier          INTEGER DEFAULT 0, -- tier given by the grouper
	weight            DOUBLE DEFAULT 0,  -- weight used (grouper's or internal)
	tier              INTEGER DEFAULT 0, -- tier used (grouper's or estimated)
	low_risk          BOOLEAN DEFAULT FALSE,
	los_ratio         DOUBLE DEFAULT 0,
	cost_ratio        DOUBLE DEFAULT 0
);

-- Which catalogue versions / fallbacks the facts of each year were derived with.
CREATE TABLE stay_facts_meta (
	year        INTEGER NOT NULL,
	seq         INTEGER NOT NULL,
	note        VARCHAR NOT NULL,
	computed_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE catalog_versions (
	kind        VARCHAR NOT NULL, -- level4, minimally_invasive, day_surgery, complication, procedure_category
	version     VARCHAR NOT NULL, -- year, e.g. 2024
	source      VARCHAR,          -- file name
	entries     INTEGER,
	imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE catalog_entries (
	kind    VARCHAR NOT NULL,
	version VARCHAR NOT NULL,
	code    VARCHAR NOT NULL,
	code_to VARCHAR,
	name    VARCHAR,
	value   VARCHAR
);

-- Manual indicator inputs (yardstick indicators input): finance, staffing,
-- satisfaction… that the front page lacks. dept '' = whole hospital.
CREATE TABLE indicator_inputs (
	org_code VARCHAR NOT NULL,
	year     INTEGER NOT NULL,
	code     VARCHAR NOT NULL,
	value    DOUBLE NOT NULL,
	dept     VARCHAR NOT NULL DEFAULT ''
);
