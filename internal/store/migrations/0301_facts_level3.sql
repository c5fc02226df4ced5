-- 0301 level-3 surgery fact (二级公立医院绩效考核 #3 出院患者三级手术占比).
-- Facts derived before this column existed are dropped so the next
-- indicator run recomputes them with it.
ALTER TABLE stay_facts ADD COLUMN level3 BOOLEAN DEFAULT FALSE;
DELETE FROM stay_facts;
DELETE FROM stay_facts_meta;
