/*
 * steps_test.c - the step table (steps.h): every name is distinct and written in the wire's
 * alphabet (lowercase, digits, '-'), and a value outside the table never yields NULL.
 *
 * Never: checks Java's wording (HelperFailureTest does, from `containerv-helper steps`).
 */
#include "check.h"
#include "steps.h"

int main(void)
{
    CHECK(CV_STEP_COUNT > 0);
    for (int i = 0; i < CV_STEP_COUNT; i++) {
        const char *n = cv_step_name((enum cv_step)i);
        CHECK(n != NULL && n[0] != '\0');
        for (const char *c = n; *c; c++)
            CHECK((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-');
        for (int j = 0; j < i; j++)
            CHECK(strcmp(n, cv_step_name((enum cv_step)j)) != 0);
    }
    CHECK_STR(cv_step_name(CV_STEP_EVENT_LOOP), "event-loop");
    CHECK_STR(cv_step_name(CV_STEP_COUNT), "protocol");
    puts("steps_test: ok");
    return 0;
}
