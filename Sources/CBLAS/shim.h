#include <cblas.h>

/* OpenBLAS's own entry (not in cblas.h): stops its worker threads; its pool restarts on the next call. */
int blas_thread_shutdown_(void);
