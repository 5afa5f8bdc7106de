/* hwnas/cli.h - subcommands (one file each under src/cli/). Each returns the
 * process exit code: 0 ok, 2 bad input (config, CSV, arch string, command
 * line), 3 I/O or MPI failure, 4 numerical failure. */
#ifndef HWNAS_CLI_H
#define HWNAS_CLI_H

int hw_cmd_run(int argc, char **argv);
/* `hwnas suggest-measurements CONFIG --n N [--device NAME] [--seed S]`: the N
 * most informative archs to measure on a new device (CSV on stdout). */
int hw_cmd_suggest(int argc, char **argv);
/* `hwnas bench-fewshot [--seeds S] [--data-dir DIR]`: few-shot latency benchmark. */
int hw_cmd_bench_fewshot(int argc, char **argv);
/* hwnas srcc A.csv COL B.csv COL: rank correlation of two columns joined on arch_index. */
int hw_cmd_srcc(int argc, char **argv);
/* `hwnas profile ...`: this machine as a latency device (measure archs end to
 * end into a latency CSV; --predictor: the op-wise predictor file; --evaluate). */
int hw_cmd_profile(int argc, char **argv);
/* `hwnas sgd-train --arch ARCH [...]` (under mpirun, >= 2 ranks): real
 * asynchronous parameter-server SGD; measured throughput (hwnas/sgd_ps.h). */
int hw_cmd_sgd_train(int argc, char **argv);
/* `hwnas sgd-trace --arch ARCH [...]`: one worker's profiling trace (hwnas/sgd_trace.h). */
int hw_cmd_sgd_trace(int argc, char **argv);
/* `hwnas sgd-predict (TRACE.json | --arch ARCH) [options]`: predicted async
 * parameter-server SGD throughput for W workers (CSV on stdout); no MPI. */
int hw_cmd_sgd_predict(int argc, char **argv);
void hw_cmd_help(void);
/* ../shared/data seen from the repository root (the parent of bin/). */
void hw_default_data_dir(char *buf, unsigned long len);
/* OPENBLAS_CORETYPE fix-up: re-executes the program once with the right core
 * type when OpenBLAS misdetected this CPU; returns only if no re-exec happened. */
void hw_blas_setup(char **argv);

#endif
