/* gridalertctl.c - placeholder until the client lands. */
#include <stdio.h>

#include "common.h"

int main(void)
{
	printf("gridalertctl %s\n", GA_VERSION);
	return 0;
}
