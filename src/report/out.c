/* Atomic result files (temporary name, fsync, rename) and number formatting. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hwnas/report.h"

int hw_out_open(hw_out *o, const char *dir, const char *name, hw_err *err)
{
    snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp", o->path);
    o->f = fopen(o->tmp, "w");
    if (!o->f)
        return hw_errf(err, HW_EIO, "%s: cannot write (%s); check output_dir and free space", o->tmp,
                       strerror(errno));
    return HW_OK;
}

int hw_out_commit(hw_out *o, hw_err *err)
{
    int bad = fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0;
    int e = errno;
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (bad || rename(o->tmp, o->path) != 0) {
        unlink(o->tmp);
        return hw_errf(err, HW_EIO, "%s: write failed (%s); check free space", o->path, strerror(bad ? e : errno));
    }
    return HW_OK;
}

void hw_out_abort(hw_out *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
}

void hw_out_num(FILE *f, const char *fmt, double v)
{
    if (isnan(v))
        return;
    if (isinf(v))
        fputs(v < 0 ? "-inf" : "inf", f);
    else
        fprintf(f, fmt, v);
}
