/* Writes every report of a campaign into its results directory. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hwnas/report.h"

int hw_report_csvs(hw_campaign *c, const char *dir, hw_err *err);
int hw_report_summary(const hw_campaign *c, const char *dir, hw_err *err);
int hw_report_markdown(const hw_campaign *c, const char *dir, int with_plots, const hw_tput *tput, hw_err *err);

int hw_make_dirs(const char *dir, hw_err *err)
{
    char buf[HW_PATH_MAX];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1;; p++) {
        char ch = *p;
        if (ch != '/' && ch != 0)
            continue;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return hw_errf(err, HW_EIO, "%s: cannot create directory (%s); check output_dir", buf, strerror(errno));
        *p = ch;
        if (!ch)
            return HW_OK;
    }
}

int hw_report_write_all(hw_campaign *c, const char *dir, hw_err *err)
{
    hw_tput tput = {0};
    int rc = hw_make_dirs(dir, err);
    if (!rc)
        rc = hw_report_csvs(c, dir, err);
    if (!rc)
        rc = hw_report_throughput(c, &tput, err);
    if (!rc)
        rc = hw_report_throughput_csv(c, &tput, dir, err);
    if (!rc)
        rc = hw_report_summary(c, dir, err);
    if (!rc)
        rc = hw_report_plots(c, dir, err);
    if (!rc) {
        struct stat st;
        char png[HW_PATH_MAX + 32];
        snprintf(png, sizeof png, "%s/pareto.png", dir);
        rc = hw_report_markdown(c, dir, stat(png, &st) == 0, &tput, err);
    }
    hw_tput_free(&tput);
    return rc;
}
