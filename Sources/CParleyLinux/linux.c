#include "CParleyLinux.h"
int parley_linux_placeholder(void) { return 0; }
