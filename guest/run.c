#include "guest/run.h"
#include "arch/x86/power.h"
#include "core/log.h"

_Noreturn void guests_run(const struct mb2_info *info)
{
	unsigned exited = 0, stopped = 0;

	if (info->module_count)
		pr_warn("%zu modules given, but guests cannot run yet", info->module_count);
	pr_always("all guests done: %u exited, %u stopped", exited, stopped);
	power_off(stopped || info->module_count ? EXIT_FAILURE : EXIT_SUCCESS);
}
