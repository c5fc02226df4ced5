-- 0003 packed procedure fields: the text columns of stay_procedures that
-- no SQL of Yardstick reads (everything but code) move into one VARCHAR
-- column, text_fields, in the format of stays.text_fields (0002): fields in
-- the order of pxPacked (internal/store/columns.go) joined by chr(31);
-- inside a field chr(27) is written chr(27) '0' and chr(31) chr(27) '1'.
-- Absent values are empty fields. stay_id, seq, code and op_date stay
-- columns. Loading ~5 procedure rows per stay was the largest part of the
-- import's DuckDB work after 0002 (docs/storage.md, "Import speed").
--
-- As in 0002 the table is rebuilt (copied with the new layout, renamed).
CREATE TABLE stay_procedures_packed AS SELECT stay_id, seq, code, op_date,
concat(
	replace(replace(coalesce(name, ''), chr(27), chr(27) || '0'), chr(31), chr(27) || '1'),
	chr(31), replace(replace(coalesce(level, ''), chr(27), chr(27) || '0'), chr(31), chr(27) || '1'),
	chr(31), replace(replace(coalesce(surgeon, ''), chr(27), chr(27) || '0'), chr(31), chr(27) || '1'),
	chr(31), replace(replace(coalesce(assistant1, ''), chr(27), chr(27) || '0'), chr(31), chr(27) || '1'),
	chr(31), replace(replace(coalesce(assistant2, ''), chr(27), chr(27) || '0'), chr(31), chr(27) || '1'),
	chr(31), replace(replace(coalesce(incision, ''), chr(27), chr(27) || '0'), chr(31), chr(27) || '1'),
	chr(31), replace(replace(coalesce(anaesthesia, ''), chr(27), chr(27) || '0'), chr(31), chr(27) || '1'),
	chr(31), replace(replace(coalesce(anaesthetist, ''), chr(27), chr(27) || '0'), chr(31), chr(27) || '1'),
	chr(31), replace(replace(coalesce(elective, ''), chr(27), chr(27) || '0'), chr(31), chr(27) || '1')) AS text_fields
FROM stay_procedures
ORDER BY stay_id, seq;
ALTER TABLE stay_procedures_packed ALTER COLUMN stay_id SET NOT NULL;
ALTER TABLE stay_procedures_packed ALTER COLUMN seq SET NOT NULL;
DROP TABLE stay_procedures;
ALTER TABLE stay_procedures_packed RENAME TO stay_procedures;
