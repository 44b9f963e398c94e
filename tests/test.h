/*
 * Minimal host unit-test harness shared by every tests/test_*.c.
 *
 * A test is a void function registered with TEST(); CHECK() records a
 * failure and returns from the test.  Each test prints one line,
 * "ok - NAME" or "FAIL - NAME: FILE:LINE: EXPR", which scripts/test.sh
 * counts for the final "N passed, N failed" line.
 *
 * Pure modules call panic(); tests that expect a panic wrap the call in
 * EXPECT_PANIC(), which catches it with setjmp/longjmp.
 */
#ifndef TERN_TESTS_TEST_H
#define TERN_TESTS_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST_MAX 256
extern struct test_case test_cases[TEST_MAX];
extern int test_count;
extern int test_failed_flag;
extern jmp_buf test_panic_jmp;
extern int test_panic_armed;
extern char test_panic_msg[256];

#define TEST(tname)                                                        \
	static void tname(void);                                           \
	__attribute__((constructor)) static void register_##tname(void)    \
	{                                                                 \
		test_cases[test_count].name = #tname;                      \
		test_cases[test_count].fn = tname;                         \
		test_count++;                                             \
	}                                                                 \
	static void tname(void)

#define CHECK(expr)                                                       \
	do {                                                              \
		if (!(expr)) {                                            \
			printf("FAIL - %s: %s:%d: %s\n", test_current,    \
			       __FILE__, __LINE__, #expr);                \
			test_failed_flag = 1;                             \
			return;                                           \
		}                                                         \
	} while (0)

/* Run STMT and require that it panics; the panic message is kept in
 * test_panic_msg so the test can check what was reported. */
#define EXPECT_PANIC(stmt)                                                \
	do {                                                              \
		test_panic_msg[0] = 0;                                    \
		test_panic_armed = 1;                                     \
		if (setjmp(test_panic_jmp) == 0) {                        \
			stmt;                                             \
			test_panic_armed = 0;                             \
			CHECK(!"expected a panic: " #stmt);               \
		}                                                         \
		test_panic_armed = 0;                                     \
	} while (0)

extern const char *test_current;

#ifdef TEST_MAIN
struct test_case test_cases[TEST_MAX];
int test_count;
int test_failed_flag;
jmp_buf test_panic_jmp;
int test_panic_armed;
char test_panic_msg[256];
const char *test_current;

/* The pure modules' panic(): in a test it either returns control to
 * EXPECT_PANIC or fails the whole binary loudly. */
_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(test_panic_msg, sizeof test_panic_msg, fmt, ap);
	va_end(ap);
	if (test_panic_armed) {
		test_panic_armed = 0;
		longjmp(test_panic_jmp, 1);
	}
	printf("FAIL - %s: unexpected panic: %s\n", test_current, test_panic_msg);
	exit(1);
}

int main(void)
{
	int failed = 0;
	for (int i = 0; i < test_count; i++) {
		test_current = test_cases[i].name;
		test_failed_flag = 0;
		test_cases[i].fn();
		if (test_failed_flag)
			failed++;
		else
			printf("ok - %s\n", test_current);
	}
	return failed ? 1 : 0;
}
#endif
#endif
