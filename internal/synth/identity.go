package synth

import (
	"strconv"
	"strings"
	"time"
)

// Synthetic identities: names drawn from common surnames and given-name
// characters, addresses from real administrative areas (so postcodes and the
// area part of ID numbers agree), ID numbers with a valid GB 11643 checksum.
// Nothing here belongs to a real person.

var surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
	"余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
	"石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯"}

var surnameTable = func() cumTable {
	w := make([]float64, len(surnames))
	for i := range w {
		w[i] = 1 / (1 + float64(i)*0.08) // Zipf-like: 王李张 are by far the most common
	}
	return newCumTable(w)
}()

var (
	maleChars    = []string{"伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "斌", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "波", "峰", "建", "国", "志", "文", "东", "海", "晨", "博", "子", "轩", "然", "昊", "睿", "泽", "铭"}
	femaleChars  = []string{"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "桂", "英", "红", "燕", "萍", "梅", "琳", "婷", "雪", "慧", "颖", "倩", "洁", "琴", "云", "佳", "欣", "怡", "涵", "雨", "思", "梦", "诗", "晓", "悦", "彤", "萱", "月", "蕾", "薇", "兰", "凤"}
	neutralChars = []string{"文", "晓", "春", "冬", "嘉", "家", "建", "振", "新", "永", "立", "玉", "金", "德", "思", "一", "安", "子", "小", "亦"}
)

type area struct {
	code, province, provCode, city, district, postcode string
}

// areas are real county-level divisions with their codes and postcodes.
var areas = []area{
	{"320102", "江苏省", "10", "南京市", "玄武区", "210018"}, {"320104", "江苏省", "10", "南京市", "秦淮区", "210001"},
	{"320105", "江苏省", "10", "南京市", "建邺区", "210017"}, {"320106", "江苏省", "10", "南京市", "鼓楼区", "210009"},
	{"320111", "江苏省", "10", "南京市", "浦口区", "211800"}, {"320113", "江苏省", "10", "南京市", "栖霞区", "210046"},
	{"320114", "江苏省", "10", "南京市", "雨花台区", "210012"}, {"320115", "江苏省", "10", "南京市", "江宁区", "211100"},
	{"320116", "江苏省", "10", "南京市", "六合区", "211500"}, {"320117", "江苏省", "10", "南京市", "溧水区", "211200"},
	{"320118", "江苏省", "10", "南京市", "高淳区", "211300"},
	{"320381", "江苏省", "10", "徐州市", "新沂市", "221400"}, {"320382", "江苏省", "10", "徐州市", "邳州市", "221300"},
	{"320324", "江苏省", "10", "徐州市", "睢宁县", "221200"}, {"320312", "江苏省", "10", "徐州市", "铜山区", "221100"},
	{"320303", "江苏省", "10", "徐州市", "云龙区", "221000"},
	{"320508", "江苏省", "10", "苏州市", "姑苏区", "215000"}, {"320213", "江苏省", "10", "无锡市", "梁溪区", "214000"},
	{"321002", "江苏省", "10", "扬州市", "广陵区", "225000"}, {"321102", "江苏省", "10", "镇江市", "京口区", "212000"},
	{"320812", "江苏省", "10", "淮安市", "清江浦区", "223000"}, {"320402", "江苏省", "10", "常州市", "天宁区", "213000"},
	{"340104", "安徽省", "12", "合肥市", "蜀山区", "230031"}, {"370102", "山东省", "15", "济南市", "历下区", "250014"},
	{"330106", "浙江省", "11", "杭州市", "西湖区", "310013"}, {"410105", "河南省", "16", "郑州市", "金水区", "450008"},
	{"341302", "安徽省", "12", "宿州市", "埇桥区", "234000"},
}

var streets = []string{"中山路", "解放路", "人民路", "建设路", "和平路", "长江路", "北京东路", "新华路", "胜利路", "文化路", "光明街", "青年路", "幸福街", "学府路", "江东路", "建宁路", "龙蟠路", "黄河路", "淮海路", "复兴路"}
var villages = []string{"新河镇王庄村", "马陵镇陈集村", "高流镇棋盘村", "港头镇大吴村", "窑湾镇东岭村", "阿湖镇黑埠村", "草桥镇新街村", "双塘镇尹场村"}
var employers = []string{"科技有限公司", "实业有限公司", "建设集团有限公司", "第一中学", "实验小学", "人民政府", "街道办事处", "供电公司", "商贸有限公司", "机械制造有限公司", "物流有限公司", "银行分行", "食品有限公司", "纺织有限公司"}
var companyWords = []string{"金陵", "华泰", "宏达", "新城", "恒信", "东方", "永安", "鑫源", "天成", "中兴", "瑞丰", "苏宁", "汇通", "长城"}

type areaSet struct {
	home, province, other []int
}

func newAreaSet(c City) areaSet {
	var s areaSet
	for i, a := range areas {
		switch {
		case len(c.AreaCode) >= 4 && strings.HasPrefix(a.code, c.AreaCode[:4]):
			s.home = append(s.home, i)
		case a.provCode == c.ProvinceCode:
			s.province = append(s.province, i)
		default:
			s.other = append(s.other, i)
		}
	}
	if len(s.home) == 0 {
		s.home = s.province
	}
	return s
}

func (s areaSet) pick(r *rng) area {
	x := r.float()
	switch {
	case x < 0.8 || len(s.province) == 0:
		return areas[s.home[r.intn(len(s.home))]]
	case x < 0.95 || len(s.other) == 0:
		return areas[s.province[r.intn(len(s.province))]]
	default:
		return areas[s.other[r.intn(len(s.other))]]
	}
}

func personName(r *rng, sex string) string {
	sur := surnames[surnameTable.pick(r)]
	pool := maleChars
	if sex == "2" {
		pool = femaleChars
	}
	var buf [32]byte
	b := append(buf[:0], sur...)
	if r.chance(0.2) {
		return r.str(append(b, pool[r.intn(len(pool))]...))
	}
	first := pool
	if r.chance(0.4) {
		first = neutralChars
	}
	b = append(b, first[r.intn(len(first))]...)
	return r.str(append(b, pool[r.intn(len(pool))]...))
}

func staffName(r *rng) string {
	if r.chance(0.5) {
		return personName(r, "1")
	}
	return personName(r, "2")
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idNumber builds an 18-character resident ID number (GB 11643): area code,
// birth date, sequence (odd for men, even for women) and the ISO 7064
// MOD 11-2 check character.
func idNumber(r *rng, areaCode string, birth time.Time, sex string) string {
	var b [18]byte
	copy(b[:6], areaCode)
	y, m, d := birth.Date()
	put := func(at, width, v int) {
		for i := width - 1; i >= 0; i-- {
			b[at+i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(6, 4, y)
	put(10, 2, int(m))
	put(12, 2, d)
	seq := r.intn(500) * 2 // even
	if sex == "1" {
		seq++
	}
	put(14, 3, seq)
	b[17] = IDCheckChar(string(b[:17]))
	return r.str(b[:])
}

// IDCheckChar returns the GB 11643 check character of the first 17 digits.
func IDCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17 && i < len(first17); i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11]
}

func mobile(r *rng) string {
	var b [11]byte
	b[0] = '1'
	b[1] = "35789"[r.intn(5)]
	for i := 2; i < 11; i++ {
		b[i] = byte('0' + r.intn(10))
	}
	if b[2] == b[3] && b[3] == b[4] && b[4] == b[5] {
		b[5] = byte('0' + (b[5]-'0'+3)%10) // avoid runs that look like placeholders
	}
	return r.str(b[:])
}

func landline(r *rng, prefix string) string {
	var buf [32]byte
	b := append(buf[:0], prefix...)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(5+r.intn(4)), 10)
	b = strconv.AppendInt(b, int64(1000000+r.intn(8999999)), 10)
	return r.str(b)
}

func address(r *rng, a area, rural bool) string {
	var buf [128]byte
	b := append(buf[:0], a.province...)
	b = append(b, a.city...)
	b = append(b, a.district...)
	if rural {
		b = append(b, villages[r.intn(len(villages))]...)
		b = strconv.AppendInt(b, int64(1+r.intn(12)), 10)
		b = append(b, "组"...)
		b = strconv.AppendInt(b, int64(1+r.intn(80)), 10)
		b = append(b, "号"...)
		return r.str(b)
	}
	b = append(b, streets[r.intn(len(streets))]...)
	b = strconv.AppendInt(b, int64(1+r.intn(300)), 10)
	b = append(b, "号"...)
	b = strconv.AppendInt(b, int64(1+r.intn(20)), 10)
	b = append(b, "栋"...)
	b = strconv.AppendInt(b, int64(1+r.intn(30)), 10)
	b = append(b, '0')
	b = strconv.AppendInt(b, int64(1+r.intn(4)), 10)
	b = append(b, "室"...)
	return r.str(b)
}

func employer(r *rng, a area) string {
	w := companyWords[r.intn(len(companyWords))]
	return r.cat(a.city, w, employers[r.intn(len(employers))])
}
