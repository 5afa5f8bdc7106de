/* `hwnas --help`: every subcommand and option, with examples. */
#include <stdio.h>

#include "hwnas/cli.h"
#include "hwnas/proxy.h"

void hw_cmd_help(void)
{
    puts("hwnas - hardware-aware zero-shot NAS campaigns (MPI)\n\n"
         "usage:\n"
         "  hwnas run CONFIG [--output-dir DIR] [--seed N] [--resume]\n"
         "      Run the campaign described by the libconfig file CONFIG: score every candidate, predict its\n"
         "      latency on every target device from ONE proxy device (OneProxy reuse or AdaProxy adaptation\n"
         "      from train_samples + val_samples measured target latencies), and write candidates.csv,\n"
         "      devices_srcc.csv, adaproxy.csv, proxies_srcc.csv, pareto_<device>.csv, summary.json and\n"
         "      report.md (+ PNG figures with gnuplot) into OUTPUT_DIR/<campaign>/.\n"
         "      --output-dir DIR   override output_dir of the config (default \"results\")\n"
         "      --seed N           override seed of the config (e.g. to repeat a campaign over seeds)\n"
         "      --resume           continue an interrupted run from OUTPUT_DIR/<campaign>/journal.bin\n"
         "                         (starts afresh when there is no journal; without --resume an existing\n"
         "                         journal is an error, so finished work is never thrown away silently)\n"
         "      latency.method = \"multiproxy\" predicts each target from ALL known devices (the table's\n"
         "      columns and measured devices) and a few samples; \"direct\" from the samples alone.\n"
         "  hwnas suggest-measurements CONFIG --n N [--device NAME] [--seed S]\n"
         "      The N archs to measure on a new device, chosen from the config's latency table alone (spread\n"
         "      over the source devices' latency space; the archs `sample_select = \"diverse\"` would pick):\n"
         "      CSV arch_index,arch_str on stdout. NAME (default new_device) seeds the choice; if it is a\n"
         "      table column or measured device, that device is left out of the sources.\n"
         "  hwnas bench-fewshot [--seeds S] [--data-dir DIR]\n"
         "      Few-shot latency benchmark (HELP's NB201 protocol, leave-one-device-out over\n"
         "      latency/nb201.csv and latency/nb201_subset1999.csv): Markdown tables on stdout (default 20 seeds).\n"
         "  hwnas srcc A.csv COLUMN B.csv COLUMN\n"
         "      Spearman and Kendall tau-b of two columns of two CSV files joined on arch_index, e.g. a\n"
         "      proxy of candidates.csv against ../shared/data/nb201/zc_reference_cifar10.csv.\n"
         "  hwnas --help | --version\n\n"
         "examples:\n"
         "  bin/hwnas run configs/default.cfg\n"
         "  mpirun -np 4 bin/hwnas run configs/nb201-oneproxy.cfg\n"
         "  HWNAS_DATA_DIR=/data/hwnas bin/hwnas run configs/nb201-subset-myriad.cfg --output-dir /tmp/out\n"
         "  bin/hwnas suggest-measurements configs/nb201-multiproxy.cfg --n 10 --device my_phone > measure.csv\n"
         "  bin/hwnas run configs/nb201-multiproxy.cfg\n\n"
         "environment:\n"
         "  HWNAS_DATA_DIR        data directory when the config has no data_dir (default: ../shared/data\n"
         "                        beside the repository)\n"
         "  OPENBLAS_CORETYPE     set automatically (SkylakeX / Haswell) when OpenBLAS misdetects the CPU\n"
         "  OPENBLAS_NUM_THREADS  BLAS threads per rank (default 1)\n\n"
         "exit status: 0 ok, 2 bad input (config, CSV, arch string, command line), 3 I/O or MPI failure,\n"
         "4 numerical failure, 6 the campaign directory is in use by another run (lock), 75 stopped by\n"
         "SIGTERM/SIGINT (e.g. Slurm's time limit or preemption): every finished candidate is in the\n"
         "journal, continue with --resume.\n\n"
         "score proxies (score.proxies):");
    for (const hw_proxy_def *p = hw_proxy_all(); p->name; p++)
        printf("  %-10s %s [%s]\n", p->name, p->summary, p->unit);
    puts("\nconfiguration keys: README.md, section \"Configuration\", and the comments in configs/*.cfg.");
}
