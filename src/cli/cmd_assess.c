#include "cli/cli.h"
int cmd_assess(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 2;
}
