// The few MPI calls data-parallel training makes, behind plain C types: Swift cannot import OpenMPI's
// handles (MPI_COMM_WORLD and MPI_FLOAT are macros over addresses of its globals).
#ifndef CURATE_MPI_BRIDGE_H
#define CURATE_MPI_BRIDGE_H
#include <stddef.h>

/// MPI_Init on first call (errors returned, not fatal); rank and size of MPI_COMM_WORLD. 0 on success,
/// else an MPI error code (curate_mpi_error_text names it).
int curate_mpi_start(int *rank, int *size);
/// MPI_Finalize when started.
int curate_mpi_finish(void);
/// Ends every rank's process (after an error on one: the others would wait for it for ever).
void curate_mpi_abort(int code);
/// The text of an MPI error code, into `text` (up to `capacity` bytes, NUL-terminated).
void curate_mpi_error_text(int code, char *text, int capacity);
/// Sums `count` floats element-wise over all ranks, in place, in a fixed order: a ring reduce-scatter
/// then a ring all-gather over `size` chunks. Every rank ends with the same bytes, the same from run to
/// run. `scratch` holds at least count / size + 1 floats.
int curate_mpi_allreduce_sum(float *buffer, size_t count, float *scratch);
/// Sums `count` doubles over all ranks, the same way (small buffers: losses and counters).
int curate_mpi_allreduce_sum_double(double *buffer, size_t count, double *scratch);
int curate_mpi_barrier(void);
#endif
