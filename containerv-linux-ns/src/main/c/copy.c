/* copy.c - placeholder, replaced below */
#include "copy.h"
int cv_copy_main(int argc, char **argv) { (void)argc; (void)argv; return 2; }
