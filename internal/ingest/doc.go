// Package ingest reads hospital exports into the Yardstick model: inpatient
// front pages (frontpage.Stay), department dictionaries and outpatient volumes
// (internal/hospital), from CSV or XLSX files in UTF-8, UTF-8 with BOM, GBK or
// GB18030, with headers in national interface codes, Chinese field names or
// the legacy pinyin names. Hospital-specific column names and value codes are
// handled by a small declarative mapping file (see ParseMapping and
// docs/import.md) rather than by code.
//
// Front pages are streamed: one goroutine reads, decodes and splits records,
// another converts them to stays, and the caller's emit function receives
// batches in file order. Memory use does not depend on the file size (apart
// from 8 bytes per distinct stay key kept to detect duplicates).
package ingest
