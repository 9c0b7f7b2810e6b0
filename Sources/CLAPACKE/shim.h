// LAPACKE's C interface; complex routines are not imported by Swift and are not used.
#include <lapacke.h>
