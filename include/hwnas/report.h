/* hwnas/report.h - the only module that writes result files. Writes into dir
 * (created if needed): candidates.csv, devices_srcc.csv, adaproxy.csv,
 * proxies_srcc.csv, pareto_<device>.csv, throughput.csv (when configured), summary.json, report.md and, when
 * gnuplot is installed, devices_srcc.png and pareto.png. Each file is written
 * to a temporary name and renamed, so a crash never leaves a torn file.
 * Number format: %.10g for latencies and scores, %.6f for correlations;
 * a missing value is an empty CSV cell / JSON null; -inf is written "-inf". */
#ifndef HWNAS_REPORT_H
#define HWNAS_REPORT_H
#include <stdio.h>

#include "hwnas/campaign.h"

/* Reads the candidates' rows from the campaign's journal (hence not const). */
int hw_report_write_all(hw_campaign *c, const char *dir, hw_err *err);
/* mkdir -p */
int hw_make_dirs(const char *dir, hw_err *err);

/* Atomic file output: open dir/name.tmp, then commit (fflush, fsync, rename). */
typedef struct hw_out {
    FILE *f;
    char tmp[HW_PATH_MAX + 16], path[HW_PATH_MAX + 8];
} hw_out;
int hw_out_open(hw_out *o, const char *dir, const char *name, hw_err *err);
int hw_out_commit(hw_out *o, hw_err *err);
/* Closes and removes the temporary file (after an error). */
void hw_out_abort(hw_out *o);
/* Writes v with fmt ("%.10g" / "%.6f"), "" for NaN, "-inf"/"inf" for infinities. */
void hw_out_num(FILE *f, const char *fmt, double v);
/* "arch_index SEP arch_str" of NB201 key (index empty when the key is not a
 * table row); md = 1 escapes '|' for a Markdown table cell. */
void hw_report_arch_cells(FILE *f, const hw_campaign *c, uint32_t key, const char *sep, int md);

/* report/throughput.c (config section "throughput", rank 0, at report time):
 * predicted training steps/s of asynchronous parameter-server SGD for each
 * worker count of throughput.workers, for each device's predicted Pareto
 * front, at most throughput.top archs per front (highest rank_by score first,
 * ties in front order), from a synthetic trace (hwnas/sgd_synth.h) simulated
 * by hw_sgd_simulate with sgd-predict's defaults for what the config does not
 * set. Each arch is simulated once (cached by key). Deterministic. */
typedef struct hw_tput_row {
    size_t dev, cand;       /* device, candidate position */
    int workers;
    double steps_per_s, step_us, util; /* util: the busier direction of the server link */
} hw_tput_row;
typedef struct hw_tput {
    hw_tput_row *row;       /* by device, then arch (selection order), then workers (config order) */
    size_t n;
} hw_tput;
/* Empty (n = 0) when the section is absent. */
int  hw_report_throughput(const hw_campaign *c, hw_tput *t, hw_err *err);
/* throughput.csv; nothing when t is empty. */
int  hw_report_throughput_csv(const hw_campaign *c, const hw_tput *t, const char *dir, hw_err *err);
/* report.md's section (one table per device); nothing when t is empty. */
void hw_report_throughput_md(FILE *f, const hw_campaign *c, const hw_tput *t);
void hw_tput_free(hw_tput *t);

/* report/plot.c: gnuplot figures; returns 0 and does nothing without gnuplot. */
int hw_report_plots(const hw_campaign *c, const char *dir, hw_err *err);

#endif
