/* fuzz_config.c - libFuzzer target: hw_config_load on arbitrary libconfig text; a loaded plan must be valid. */
#include "fuzz_tmp.h"

#include "hwnas/config.h"

#define CAMPAIGN_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

/* A NULL-terminated list of n distinct, non-empty names that fit HW_NAME_MAX. */
static void check_names(char *const *names, size_t n)
{
    FUZZ_CHECK(names != NULL && n >= 1 && names[n] == NULL);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(names[i] != NULL && names[i][0] != '\0' && strlen(names[i]) < HW_NAME_MAX);
        for (size_t k = 0; k < i; k++)
            FUZZ_CHECK(strcmp(names[k], names[i]) != 0);
    }
}

static int in_names(char *const *names, const char *s)
{
    for (; *names; names++)
        if (!strcmp(*names, s))
            return 1;
    return 0;
}

static void check_strings(const hw_plan *p)
{
    FUZZ_CHECK(fuzz_terminated(p->campaign, sizeof p->campaign) && p->campaign[0] != '\0');
    FUZZ_CHECK(strspn(p->campaign, CAMPAIGN_CHARS) == strlen(p->campaign));
    FUZZ_CHECK(strcmp(p->campaign, ".") != 0 && strcmp(p->campaign, "..") != 0);
    FUZZ_CHECK(strcmp(p->space, "nb201") == 0);
    FUZZ_CHECK(fuzz_terminated(p->data_dir, sizeof p->data_dir) && p->data_dir[0] != '\0');
    FUZZ_CHECK(fuzz_terminated(p->output_dir, sizeof p->output_dir) && p->output_dir[0] != '\0');
    FUZZ_CHECK(fuzz_terminated(p->select_path, sizeof p->select_path));
    FUZZ_CHECK(p->select != HW_SELECT_FILE || p->select_path[0] != '\0');
    FUZZ_CHECK(p->select != HW_SELECT_SAMPLE || p->sample_n >= 1);
    FUZZ_CHECK(fuzz_terminated(p->latency.table, sizeof p->latency.table) && p->latency.table[0] != '\0');
    FUZZ_CHECK(fuzz_terminated(p->latency.proxy, sizeof p->latency.proxy) && p->latency.proxy[0] != '\0');
    FUZZ_CHECK(fuzz_terminated(p->latency.measured, sizeof p->latency.measured));
    FUZZ_CHECK(fuzz_terminated(p->accuracy.table, sizeof p->accuracy.table));
    FUZZ_CHECK(fuzz_terminated(p->accuracy.column, sizeof p->accuracy.column) && p->accuracy.column[0] != '\0');
}

static void check_numbers(const hw_plan *p)
{
    FUZZ_CHECK(p->latency.train_samples >= 3 && p->latency.val_samples >= 1);
    FUZZ_CHECK(p->latency.srcc_threshold >= -1.0 && p->latency.srcc_threshold <= 1.0);
    FUZZ_CHECK(p->latency.decision == HW_DECIDE_CV || p->latency.decision == HW_DECIDE_THRESHOLD);
    FUZZ_CHECK(p->latency.lambda_select == HW_LAMBDA_CV || p->latency.lambda_select == HW_LAMBDA_HOLDOUT);
    FUZZ_CHECK(p->latency.cv_folds >= 2 && p->latency.mu_steps >= 2);
    FUZZ_CHECK(p->latency.mu_min > 0 && p->latency.mu_min < p->latency.mu_max);
    FUZZ_CHECK(p->farm.chunk >= 1 && p->farm.progress_s >= 1);
}

static void check_plan(const hw_plan *p)
{
    check_strings(p);
    check_numbers(p);
    check_names(p->latency.targets, p->latency.n_targets);
    FUZZ_CHECK(p->latency.n_targets == 1 || !in_names(p->latency.targets, "*"));
    check_names(p->score.proxies, p->score.n_proxies);
    FUZZ_CHECK(in_names(p->score.proxies, p->score.rank_by));
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    unsetenv("HWNAS_DATA_DIR"); /* the fallback below is used: runs do not depend on the environment */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hw_plan plan; /* large: kept off the stack */
    hw_err e = {0};
    const char *path = fuzz_write(data, size, "fuzz.cfg");
    int rc = hw_config_load(path, "/nonexistent/data", &plan, &e);
    if (rc) {
        fuzz_check_err(rc, &e);
        FUZZ_CHECK(plan.latency.targets == NULL && plan.score.proxies == NULL);
    } else {
        check_plan(&plan);
    }
    hw_plan_free(&plan);
    FUZZ_CHECK(plan.latency.targets == NULL && plan.score.proxies == NULL);
    return 0;
}
