// Package hospital holds the hospital-level reference data that front pages
// point at: the department dictionary and outpatient/emergency volumes.
//
// File formats (CSV or XLSX, UTF-8 or GBK, headers in Chinese or English):
//
// Departments (yardstick import departments):
//
//	机构代码 org_code | 科室代码 dept_code | 科室名称 dept_name | 上级科室代码 parent_code |
//	科室类型 kind (临床 clinical / 医技 medtech / 行政 admin) | 国家科别代码 national_code (RC023) |
//	床位数 beds (optional)
//
// Outpatient and emergency volumes (yardstick import outpatient), daily or monthly:
//
//	机构代码 org_code | 日期 date (2021-03-05 daily, or 2021-03 monthly) | 科室代码 dept_code |
//	就诊类型 visit_type (门诊 outpatient / 急诊 emergency / 健康体检 health_check) | 人次 visits
package hospital

import "time"

// DeptKind classifies departments.
type DeptKind string

// Department kinds.
const (
	Clinical DeptKind = "clinical" // 临床
	MedTech  DeptKind = "medtech"  // 医技
	Admin    DeptKind = "admin"    // 行政
)

// Department is one entry of a hospital's department dictionary.
type Department struct {
	OrgCode      string
	Code         string // the hospital's own code, as used in B13C/B16C of its front pages
	Name         string
	ParentCode   string
	Kind         DeptKind
	NationalCode string // RC023 诊疗科目 code
	Beds         int    // 0 = unknown
}

// VisitType separates the visit kinds the national indicators treat
// differently: health checks are excluded from outpatient volumes (国考 #1).
type VisitType string

// Visit types.
const (
	Outpatient  VisitType = "outpatient"   // 门诊
	Emergency   VisitType = "emergency"    // 急诊
	HealthCheck VisitType = "health_check" // 健康体检
)

// VisitCount is the number of visits of one type in one department on one day
// (Monthly = true when the source gives a month total; Date is then the
// first of the month).
type VisitCount struct {
	OrgCode string
	Date    time.Time
	Monthly bool
	Dept    string
	Type    VisitType
	Visits  int
}
