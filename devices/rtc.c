/* The MC146818 RTC and CMOS memory (rtc.h); register bits from the
 * MC146818A datasheet ("Register A-D"). */
#include "devices/rtc.h"

#define A_UIP      0x80
#define A_DV_RUN   0x20        /* divider 010: the 32.768 kHz time base runs */
#define B_SET      0x80
#define B_PIE      0x40
#define B_AIE      0x20
#define B_UIE      0x10
#define B_BINARY   0x04
#define B_24H      0x02
#define C_IRQF     0x80
#define C_PF       0x40
#define C_AF       0x20
#define C_UF       0x10
#define UIP_TICKS  8           /* 244 us before the update, in 32.768 kHz ticks */
#define CENTURY    0x32

/* ---- the calendar (days from 1970-01-01, proleptic Gregorian) ---- */

static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	uint64_t yy = y - (m <= 2), era = yy / 400, yoe = yy - era * 400;
	uint64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

#define DAYS_1970_TO_2000 10957u

void rtc_civil(uint64_t seconds, struct rtc_time *t)
{
	uint64_t days = seconds / 86400 + DAYS_1970_TO_2000, s = seconds % 86400;
	uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

	t->day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	t->month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	t->year = (unsigned)(yoe + era * 400 + (t->month <= 2));
	t->hour = (unsigned)(s / 3600);
	t->minute = (unsigned)(s / 60 % 60);
	t->second = (unsigned)(s % 60);
	t->weekday = (unsigned)((days + 4) % 7) + 1;   /* 1 = Sunday; 1970-01-01 was a Thursday */
}

uint64_t rtc_seconds(const struct rtc_time *t)
{
	uint64_t days = days_from_civil(t->year, t->month, t->day) - DAYS_1970_TO_2000;
	return days * 86400 + t->hour * 3600ull + t->minute * 60ull + t->second;
}

/* ---- register formats (B: BCD or binary, 12- or 24-hour) ---- */

static uint8_t encode(const struct rtc *r, unsigned v)
{
	return (uint8_t)(r->b & B_BINARY ? v : (v / 10) << 4 | v % 10);
}

static unsigned decode(uint8_t b, uint8_t v)
{
	return b & B_BINARY ? v : (v >> 4) * 10u + (v & 0xF);
}

static uint8_t encode_hour(const struct rtc *r, unsigned h)
{
	if (r->b & B_24H)
		return encode(r, h);
	return (uint8_t)(encode(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
}

static unsigned decode_hour(uint8_t b, uint8_t v)
{
	unsigned h;

	if (b & B_24H)
		return decode(b, v);
	h = decode(b, v & 0x7F) % 12;
	return v & 0x80 ? h + 12 : h;
}

/* ---- the time ---- */

/* The time stands still while SET is on or the divider is not running
 * (Linux stops the divider while it sets the clock): the fields then
 * show what was last written or read. */
static bool frozen(const struct rtc *r)
{
	return (r->b & B_SET) || (r->a & 0x70) != A_DV_RUN;
}

static uint64_t now_seconds(const struct rtc *r, uint64_t now)
{
	int64_t s = (int64_t)(r->boot_seconds + now / RTC_HZ) + r->offset;
	return s < 0 ? 0 : (uint64_t)s;
}

/* Registers 0-9 and the century for `seconds`. */
static void fill_fields(struct rtc *r, uint64_t seconds)
{
	struct rtc_time t;

	rtc_civil(seconds, &t);
	r->fields[0] = encode(r, t.second);
	r->fields[2] = encode(r, t.minute);
	r->fields[4] = encode_hour(r, t.hour);
	r->fields[6] = encode(r, t.weekday);
	r->fields[7] = encode(r, t.day);
	r->fields[8] = encode(r, t.month);
	r->fields[9] = encode(r, t.year % 100);
	r->cmos[CENTURY] = encode(r, t.year / 100);
}

/* Set the clock from the fields as written. */
bool rtc_decode_time(const uint8_t regs[10], uint8_t century, uint8_t reg_b, struct rtc_time *t)
{
	*t = (struct rtc_time){
		.year = decode(reg_b, century) * 100 + decode(reg_b, regs[9]),
		.month = decode(reg_b, regs[8]), .day = decode(reg_b, regs[7]),
		.hour = decode_hour(reg_b, regs[4]), .minute = decode(reg_b, regs[2]),
		.second = decode(reg_b, regs[0]),
	};
	return t->year >= 2000 && t->month >= 1 && t->month <= 12 && t->day >= 1 && t->day <= 31 &&
	       t->hour <= 23 && t->minute <= 59 && t->second <= 59;
}

static void set_from_fields(struct rtc *r, uint64_t now)
{
	struct rtc_time t;

	if (!rtc_decode_time(r->fields, r->cmos[CENTURY], r->b, &t))
		return;   /* nonsense: the clock keeps its time */
	r->offset = (int64_t)rtc_seconds(&t) - (int64_t)(r->boot_seconds + now / RTC_HZ);
}

/* ---- interrupts ---- */

static uint64_t periodic_ticks(const struct rtc *r)
{
	unsigned rate = r->a & 0xF;

	if (!rate || (r->a & 0x70) != A_DV_RUN)
		return 0;
	return rate <= 2 ? (rate == 1 ? 128u : 256u) : 1u << (rate - 1);   /* 256, 128, 8192 Hz ... 2 Hz */
}

static bool alarm_matches(const struct rtc *r, uint64_t seconds)
{
	struct rtc_time t;
	const uint8_t *al = r->alarm;

	rtc_civil(seconds, &t);
	/* A value of C0h-FFh matches any time ("don't care"). */
	return (al[0] >= 0xC0 || decode(r->b, al[0]) == t.second) &&
	       (al[1] >= 0xC0 || decode(r->b, al[1]) == t.minute) &&
	       (al[2] >= 0xC0 || decode_hour(r->b, al[2]) == t.hour);
}

/* Some second of the `crossed` ones up to `to` matches the alarm. */
static bool alarm_crossed(const struct rtc *r, uint64_t to, uint64_t crossed)
{
	for (uint64_t k = 0; k < crossed; k++)
		if (alarm_matches(r, to - k))
			return true;
	return false;
}

/* Some time of day matches the alarm: each field "don't care" or a
 * value the clock reaches. */
static bool alarm_in_a_day(const struct rtc *r)
{
	const uint8_t *al = r->alarm;

	return (al[0] >= 0xC0 || decode(r->b, al[0]) < 60) && (al[1] >= 0xC0 || decode(r->b, al[1]) < 60) &&
	       (al[2] >= 0xC0 || decode_hour(r->b, al[2]) < 24);
}

bool rtc_update(struct rtc *r, uint64_t now)
{
	uint64_t period = periodic_ticks(r);

	if (now > r->checked) {
		if (period && now / period > r->checked / period)
			r->c |= C_PF;
		if (!frozen(r) && now / RTC_HZ > r->checked / RTC_HZ) {
			/* Every second crossed is an update that may match the
			 * alarm; a day of them covers every time of day. */
			uint64_t to = now_seconds(r, now), crossed = now / RTC_HZ - r->checked / RTC_HZ;
			r->c |= C_UF;
			if (crossed >= 86400 ? alarm_in_a_day(r) : alarm_crossed(r, to, crossed))
				r->c |= C_AF;
		}
		r->checked = now;
	}
	if ((r->c & C_PF && r->b & B_PIE) || (r->c & C_AF && r->b & B_AIE) ||
	    (r->c & C_UF && r->b & B_UIE))
		r->c |= C_IRQF;
	return r->c & C_IRQF;
}

uint64_t rtc_next_event(const struct rtc *r, uint64_t now)
{
	uint64_t next = RTC_NEVER, period = periodic_ticks(r);

	if ((r->b & B_PIE) && period)
		next = (now / period + 1) * period;
	if ((r->b & (B_UIE | B_AIE)) && !frozen(r)) {
		uint64_t second = (now / RTC_HZ + 1) * RTC_HZ;
		if (second < next)
			next = second;
	}
	return next;
}

/* ---- registers ---- */

/* Registers that show the time: seconds, minutes, hours, weekday, date,
 * month, year, century (the alarm's 1, 3, 5 are plain registers). */
static bool is_time_field(uint8_t i)
{
	return (i <= 9 && i != 1 && i != 3 && i != 5) || i == CENTURY;
}

static uint8_t *time_field(struct rtc *r, uint8_t i)
{
	return i == CENTURY ? &r->cmos[CENTURY] : &r->fields[i];
}

static uint8_t read_register(struct rtc *r, uint8_t i, uint64_t now)
{
	uint8_t v;

	if (is_time_field(i)) {
		if (!frozen(r))
			fill_fields(r, now_seconds(r, now));
		return *time_field(r, i);
	}
	switch (i) {
	case 1: case 3: case 5:
		return r->alarm[i / 2];
	case 0x0A:
		v = r->a & 0x7F;
		if (!frozen(r) && now % RTC_HZ >= RTC_HZ - UIP_TICKS)
			v |= A_UIP;
		return v;
	case 0x0B:
		return r->b;
	case 0x0C:   /* read and cleared: the IRQ8 line drops */
		rtc_update(r, now);
		v = r->c;
		r->c = 0;
		return v;
	case 0x0D:
		return 0x80;   /* valid RAM and time */
	default:
		return r->cmos[i];
	}
}

static void write_register(struct rtc *r, uint8_t i, uint8_t v, uint64_t now)
{
	if (is_time_field(i)) {
		/* While the time runs a write moves the clock at once. */
		if (!frozen(r))
			fill_fields(r, now_seconds(r, now));
		*time_field(r, i) = v;
		if (!frozen(r))
			set_from_fields(r, now);
		return;
	}
	switch (i) {
	case 1: case 3: case 5:
		r->alarm[i / 2] = v;
		break;
	case 0x0A: {
		/* Stopping the divider freezes the time; restarting it sets
		 * the clock from the fields (UIP is read-only). */
		bool was = frozen(r);
		if (!was && (v & 0x70) != A_DV_RUN)
			fill_fields(r, now_seconds(r, now));
		r->a = v & 0x7F;
		if (was && !frozen(r))
			set_from_fields(r, now);
		break;
	}
	case 0x0B:
		if ((v & B_SET) && !frozen(r))
			fill_fields(r, now_seconds(r, now));   /* freeze what the fields show */
		if (v & B_SET)
			v &= (uint8_t)~B_UIE;                  /* SET clears UIE (datasheet) */
		if (!(v & B_SET) && (r->b & B_SET)) {
			r->b = v | B_SET;                      /* decode in the format written */
			if ((r->a & 0x70) == A_DV_RUN)
				set_from_fields(r, now);
		}
		r->b = v;
		break;
	case 0x0C: case 0x0D:
		break;   /* read-only */
	default:
		r->cmos[i] = v;
		break;
	}
}

uint8_t rtc_read(struct rtc *r, uint16_t port, uint64_t now)
{
	if (port == RTC_DATA)
		return read_register(r, r->index, now);
	return 0xFF;   /* the index register is write-only */
}

void rtc_write(struct rtc *r, uint16_t port, uint8_t value, uint64_t now)
{
	if (port == RTC_INDEX) {
		r->index = value & 0x7F;
		r->nmi_masked = value & 0x80;
	} else if (port == RTC_DATA) {
		write_register(r, r->index, value, now);
	}
}

static void put16(uint8_t *p, unsigned v, bool big_endian)
{
	p[big_endian ? 1 : 0] = (uint8_t)v;
	p[big_endian ? 0 : 1] = (uint8_t)(v >> 8);
}

/* The memory-size bytes a BIOS leaves (as SeaBIOS and QEMU do). */
static void memory_sizes(struct rtc *r, uint64_t ram)
{
	uint64_t ext_kib = ram > 0x100000 ? (ram - 0x100000) >> 10 : 0;
	uint64_t below_4g = ram < 0xFEC00000ull ? ram : 0xFEC00000ull;
	uint64_t above_16m = below_4g > 0x1000000 ? (below_4g - 0x1000000) >> 16 : 0;
	uint64_t above_4g = ram > 0x100000000ull ? (ram - 0x100000000ull) >> 16 : 0;
	unsigned sum = 0;

	put16(&r->cmos[0x15], 640, false);
	put16(&r->cmos[0x17], ext_kib > 0xFFFF ? 0xFFFF : (unsigned)ext_kib, false);
	put16(&r->cmos[0x30], ext_kib > 0xFFFF ? 0xFFFF : (unsigned)ext_kib, false);
	put16(&r->cmos[0x34], above_16m > 0xFFFF ? 0xFFFF : (unsigned)above_16m, false);
	r->cmos[0x5B] = (uint8_t)above_4g;
	r->cmos[0x5C] = (uint8_t)(above_4g >> 8);
	r->cmos[0x5D] = (uint8_t)(above_4g >> 16);
	r->cmos[0x14] = 0x02;   /* equipment: math coprocessor, no floppy, EGA/VGA */
	for (unsigned i = 0x10; i <= 0x2D; i++)
		sum += r->cmos[i];
	put16(&r->cmos[0x2E], sum & 0xFFFF, true);
}

void rtc_reset(struct rtc *r, uint64_t seconds, uint64_t ram_size)
{
	*r = (struct rtc){ .a = A_DV_RUN | 0x06, .b = B_24H, .boot_seconds = seconds };
	memory_sizes(r, ram_size);
	fill_fields(r, seconds);
}
