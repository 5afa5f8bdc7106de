/* stub */
#include "hwnas/cli.h"
int hw_cmd_suggest(int argc, char **argv) { (void)argc, (void)argv; return 2; }
