-- 0100 DRG grouping results (yardstick group, drgrun.GroupStore): one row per
-- grouped stay. Regrouping replaces the rows of the stays it groups in one
-- transaction; re-importing a stay deletes its row (every table with a
-- stay_id column is cleaned on replacement).
--
-- Only stay_id is NOT NULL: other features (indicators tests, facts sync)
-- read and write this table by column name and may fill a subset.
CREATE TABLE drg_results (
	stay_id        BIGINT NOT NULL,
	scheme_id      VARCHAR,   -- pack id, e.g. chs-drg-1.1
	scheme_version VARCHAR,   -- pack version
	status         VARCHAR,   -- grouped | ungroupable | ambiguous | invalid
	mdc            VARCHAR,   -- MDCB; 0000 when not grouped
	adrg           VARCHAR,   -- BR2; 00 not grouped, QY ambiguous
	drg            VARCHAR,   -- BR21; 0000 not grouped, xQY ambiguous
	drg_name       VARCHAR,
	cc_code        VARCHAR,   -- secondary diagnosis that decided the suffix
	cc_level       VARCHAR,   -- MCC | CC | ''
	weight         DOUBLE,    -- relative weight (RW); NULL = none
	weight_source  VARCHAR,   -- 'pack:<region>:<year>' | 'internal'; NULL with no weight
	tier           VARCHAR,   -- low | mid-low | mid-high | high; NULL without a tier list
	reason         VARCHAR,   -- why invalid (Chinese + English)
	untranslated   VARCHAR,   -- 国家临床版 codes without a crosswalk entry, | separated
	grouped_at     TIMESTAMP
);
