-- 0001 core schema: front pages (stays and their child lines), import runs,
-- hospital reference data.
--
-- No PRIMARY KEY/UNIQUE constraints: DuckDB maintains them as ART indexes,
-- which slow bulk appends several-fold. The import code (store.ImportStays)
-- guarantees stay_id uniqueness (allocated as max+1) and the uniqueness of
-- (org_code, mrn, admission_no) by replacing older stays with the same key in
-- the same transaction. Stays are appended in stay_id order, so DuckDB's
-- per-segment min/max (zonemaps) make stay_id lookups cheap without an index.

CREATE TABLE stays (
	stay_id                BIGINT NOT NULL,
	import_id              BIGINT NOT NULL,
	admission_no           BIGINT,  -- A49 住院次数
	org_code               VARCHAR, -- A01
	org_name               VARCHAR, -- A02
	mrn                    VARCHAR, -- A48
	health_card            VARCHAR, -- A47
	payment                VARCHAR, -- A46C
	campus                 VARCHAR, -- YS01
	name                   VARCHAR, -- A11
	sex                    VARCHAR, -- A12C
	birth_date             DATE, -- A13
	age_years              BIGINT,  -- A14
	age_days               BIGINT,  -- A16
	nationality            VARCHAR, -- A15C
	ethnicity              VARCHAR, -- A19C
	id_type                VARCHAR, -- A20N
	id_number              VARCHAR, -- A20
	marital                VARCHAR, -- A21C
	occupation             VARCHAR, -- A38C
	birth_place            VARCHAR, -- A22
	native_province        VARCHAR, -- A23C
	reg_address            VARCHAR, -- A24
	reg_postcode           VARCHAR, -- A25C
	address                VARCHAR, -- A26
	phone                  VARCHAR, -- A27
	postcode               VARCHAR, -- A28C
	employer               VARCHAR, -- A29
	employer_phone         VARCHAR, -- A30
	employer_postcode      VARCHAR, -- A31C
	contact_name           VARCHAR, -- A32
	contact_relation       VARCHAR, -- A33C
	contact_address        VARCHAR, -- A34
	contact_phone          VARCHAR, -- A35
	newborn_adm_weight     BIGINT,  -- A17
	birth_weight_1         BIGINT,  -- A18x01
	birth_weight_2         BIGINT,  -- A18x02
	birth_weight_3         BIGINT,  -- A18x03
	birth_weight_4         BIGINT,  -- A18x04
	birth_weight_5         BIGINT,  -- A18x05
	day_surgery            VARCHAR, -- B38
	adm_route              VARCHAR, -- B11C
	adm_time               TIMESTAMP, -- B12
	adm_dept               VARCHAR, -- B13C
	adm_ward               VARCHAR, -- B14
	transfer_depts         VARCHAR, -- B21C
	dis_time               TIMESTAMP, -- B15
	dis_dept               VARCHAR, -- B16C
	dis_ward               VARCHAR, -- B17
	los                    BIGINT,  -- B20
	discharge_way          VARCHAR, -- B34C
	receiving_org          VARCHAR, -- B35
	readmit_plan           VARCHAR, -- B36C
	readmit_purpose        VARCHAR, -- B37
	dept_head              VARCHAR, -- B22
	chief_physician        VARCHAR, -- B23
	attending              VARCHAR, -- B24
	resident               VARCHAR, -- B25
	nurse                  VARCHAR, -- B26
	visiting               VARCHAR, -- B27
	intern                 VARCHAR, -- B28
	coder                  VARCHAR, -- B29
	record_quality         VARCHAR, -- B30C
	qc_physician           VARCHAR, -- B31
	qc_nurse               VARCHAR, -- B32
	qc_date                DATE, -- B33
	dx_code_system         VARCHAR, -- YS02
	op_dx_code             VARCHAR, -- C01C
	op_dx_name             VARCHAR, -- C02N
	adm_condition          VARCHAR, -- F01
	pathology_code         VARCHAR, -- C09C
	pathology_name         VARCHAR, -- C10N
	pathology_no           VARCHAR, -- C11
	ext_cause_code         VARCHAR, -- C12C
	ext_cause_name         VARCHAR, -- C13N
	drug_allergy           VARCHAR, -- C24C
	allergy_drugs          VARCHAR, -- C25
	abo                    VARCHAR, -- C26C
	rh                     VARCHAR, -- C27C
	autopsy                VARCHAR, -- C34C
	coma_before_days       BIGINT,  -- C28
	coma_before_hours      BIGINT,  -- C29
	coma_before_minutes    BIGINT,  -- C30
	coma_after_days        BIGINT,  -- C31
	coma_after_hours       BIGINT,  -- C32
	coma_after_minutes     BIGINT,  -- C33
	px_code_system         VARCHAR, -- YS03
	vent_hours             BIGINT,  -- C47
	transfusion_reaction   VARCHAR, -- F21
	d01                    DOUBLE, -- D01
	d09                    DOUBLE, -- D09
	d11                    DOUBLE, -- D11
	d12                    DOUBLE, -- D12
	d13                    DOUBLE, -- D13
	d14                    DOUBLE, -- D14
	d15                    DOUBLE, -- D15
	d16                    DOUBLE, -- D16
	d17                    DOUBLE, -- D17
	d18                    DOUBLE, -- D18
	d19                    DOUBLE, -- D19
	d19x01                 DOUBLE, -- D19x01
	d20                    DOUBLE, -- D20
	d20x01                 DOUBLE, -- D20x01
	d20x02                 DOUBLE, -- D20x02
	d21                    DOUBLE, -- D21
	d22                    DOUBLE, -- D22
	d23                    DOUBLE, -- D23
	d23x01                 DOUBLE, -- D23x01
	d24                    DOUBLE, -- D24
	d25                    DOUBLE, -- D25
	d26                    DOUBLE, -- D26
	d27                    DOUBLE, -- D27
	d28                    DOUBLE, -- D28
	d29                    DOUBLE, -- D29
	d30                    DOUBLE, -- D30
	d31                    DOUBLE, -- D31
	d32                    DOUBLE, -- D32
	d33                    DOUBLE, -- D33
	d34                    DOUBLE  -- D34
);

-- seq 0 is the principal diagnosis (C03C/C04N/C05C), seq n the other
-- diagnosis n (C06xNNC/C07xNNN/C08xNNC).
CREATE TABLE stay_diagnoses (
	stay_id   BIGINT NOT NULL,
	seq       INTEGER NOT NULL,
	code      VARCHAR,
	name      VARCHAR,
	poa       VARCHAR  -- 入院病情 RC027
);

-- seq 0 is the principal procedure (C14x01C…C23x01), seq n the other
-- procedure n (C35xNNC…C44xNN). "All stays with any procedure in list X" is
-- a scan of the code column (columnar, compressed), no join with stays.
CREATE TABLE stay_procedures (
	stay_id      BIGINT NOT NULL,
	seq          INTEGER NOT NULL,
	code         VARCHAR,
	name         VARCHAR,
	op_date      TIMESTAMP,
	level        VARCHAR,  -- RC029
	surgeon      VARCHAR,
	assistant1   VARCHAR,
	assistant2   VARCHAR,
	incision     VARCHAR,  -- RC014
	anaesthesia  VARCHAR,  -- RC013
	anaesthetist VARCHAR,
	elective     VARCHAR   -- YS10/YS11: 1 elective, 2 emergency
);

CREATE TABLE stay_icu (
	stay_id  BIGINT NOT NULL,
	seq      INTEGER NOT NULL,
	icu_type VARCHAR,  -- C48xNNC RC015
	in_time  TIMESTAMP,
	out_time TIMESTAMP
);

-- One row per import run, including failed runs (status 'failed', recorded
-- after the rollback, so their data never reaches the tables above).
CREATE TABLE imports (
	import_id      BIGINT NOT NULL,
	kind           VARCHAR NOT NULL, -- frontpage, outpatient, departments
	file           VARCHAR,
	format         VARCHAR,
	encoding       VARCHAR,
	header_style   VARCHAR,
	started_at     TIMESTAMP,
	finished_at    TIMESTAMP,
	rows_read      BIGINT,
	rows_good      BIGINT,
	rows_bad       BIGINT,
	rows_inserted  BIGINT,
	rows_replaced  BIGINT,
	status         VARCHAR NOT NULL, -- ok, failed
	message        VARCHAR
);

-- Bad rows of an import. Never holds patient identity values: the reasons
-- come from the parser, which leaves them out.
CREATE TABLE import_errors (
	import_id   BIGINT NOT NULL,
	file        VARCHAR,
	line        BIGINT,
	column_name VARCHAR,
	field       VARCHAR,
	reason_cn   VARCHAR,
	reason_en   VARCHAR
);

-- Department dictionary (internal/hospital.Department); key (org_code, dept_code).
CREATE TABLE departments (
	org_code      VARCHAR NOT NULL,
	dept_code     VARCHAR NOT NULL,
	dept_name     VARCHAR,
	parent_code   VARCHAR,
	kind          VARCHAR, -- clinical, medtech, admin
	national_code VARCHAR, -- RC023
	beds          INTEGER,
	import_id     BIGINT
);

-- Outpatient/emergency volumes (internal/hospital.VisitCount); key
-- (org_code, visit_date, monthly, dept_code, visit_type).
CREATE TABLE visits (
	org_code   VARCHAR NOT NULL,
	visit_date DATE NOT NULL,
	monthly    BOOLEAN NOT NULL,
	dept_code  VARCHAR,
	visit_type VARCHAR NOT NULL, -- outpatient, emergency, health_check
	visits     BIGINT NOT NULL,
	import_id  BIGINT
);
