/* Shared main() of the Check unit-test binaries: each test file provides
 * test_suite(); the exit status is non-zero when any test fails. */
#include <check.h>
#include <stdlib.h>

Suite *test_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(test_suite());
    srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY, default normal: the summary line */
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
