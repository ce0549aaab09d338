/* gridalertd.c - placeholder main until the daemon is wired (issue 3). */
#include <stdio.h>

#include "common.h"

int main(void)
{
	printf("gridalertd %s\n", GA_VERSION);
	return 0;
}
