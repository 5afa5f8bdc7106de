/* hwnas: argument dispatch only. */
#include <stdio.h>
#include <string.h>

#include "hwnas/cli.h"

int main(int argc, char **argv)
{
    hw_blas_setup(argv);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        hw_cmd_help();
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        puts("hwnas 0.1.0");
        return 0;
    }
    if (strcmp(argv[1], "run") == 0)
        return hw_cmd_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "suggest-measurements") == 0)
        return hw_cmd_suggest(argc - 1, argv + 1);
    if (strcmp(argv[1], "bench-fewshot") == 0)
        return hw_cmd_bench_fewshot(argc - 1, argv + 1);
    if (strcmp(argv[1], "profile") == 0)
        return hw_cmd_profile(argc - 1, argv + 1);
    if (strcmp(argv[1], "srcc") == 0)
        return hw_cmd_srcc(argc - 1, argv + 1);
    if (strcmp(argv[1], "sgd-train") == 0)
        return hw_cmd_sgd_train(argc - 1, argv + 1);
    if (strcmp(argv[1], "sgd-trace") == 0)
        return hw_cmd_sgd_trace(argc - 1, argv + 1);
    if (strcmp(argv[1], "sgd-predict") == 0)
        return hw_cmd_sgd_predict(argc - 1, argv + 1);
    fprintf(stderr, "hwnas: error: unknown subcommand '%s'; see `hwnas --help`\n", argv[1]);
    return 2;
}
