// Data-parallel training's collective operations on OpenMPI.
//
// The all-reduce is written here rather than taken from MPI_Allreduce: the library picks an algorithm
// by message size and rank count, and for a commutative operation some of them (recursive doubling)
// add the ranks' values in a different order on different ranks. Floating-point sums in another order
// differ in their last bits, and ranks whose weights differ by a bit drift apart step after step. The
// ring below adds each chunk along one fixed path and then copies the finished chunk to every rank, so
// every rank holds the same bytes, the same in every run; it moves 2(N−1)/N of the buffer per rank,
// what a ring all-reduce costs (REFERENCE §8).
#include "CMPIBridge.h"
#include <mpi.h>
#include <string.h>

static int started = 0;

int curate_mpi_start(int *rank, int *size) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
        int code = MPI_Init(NULL, NULL);
        if (code != MPI_SUCCESS) return code;
        started = 1;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int code = MPI_Comm_rank(MPI_COMM_WORLD, rank);
    if (code != MPI_SUCCESS) return code;
    return MPI_Comm_size(MPI_COMM_WORLD, size);
}

int curate_mpi_finish(void) {
    if (!started) return MPI_SUCCESS;
    started = 0;
    return MPI_Finalize();
}

void curate_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

void curate_mpi_error_text(int code, char *text, int capacity) {
    char message[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, message, &length) != MPI_SUCCESS) length = 0;
    message[length < MPI_MAX_ERROR_STRING ? length : MPI_MAX_ERROR_STRING - 1] = 0;
    strncpy(text, message, (size_t)capacity - 1);
    text[capacity - 1] = 0;
}

int curate_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

// Chunk c of `count` values split in `size` parts: [c·count/size, (c+1)·count/size).
static size_t chunk_start(size_t count, int size, int chunk) { return count * (size_t)chunk / (size_t)size; }

#define RING_ALLREDUCE(NAME, TYPE, MPI_TYPE)                                                              \
    int NAME(TYPE *buffer, size_t count, TYPE *scratch) {                                                 \
        int rank = 0, size = 1;                                                                           \
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);                                                             \
        MPI_Comm_size(MPI_COMM_WORLD, &size);                                                             \
        if (size == 1) return MPI_SUCCESS;                                                                \
        int next = (rank + 1) % size, previous = (rank + size - 1) % size;                                \
        /* Reduce-scatter: after step s, rank r has added its own values into chunk (r − s − 1). */     \
        for (int step = 0; step < size - 1; step++) {                                                     \
            int send = (rank - step + 2 * size) % size, receive = (rank - step - 1 + 2 * size) % size;    \
            size_t sendStart = chunk_start(count, size, send), receiveStart = chunk_start(count, size, receive); \
            int sendCount = (int)(chunk_start(count, size, send + 1) - sendStart);                        \
            int receiveCount = (int)(chunk_start(count, size, receive + 1) - receiveStart);               \
            int code = MPI_Sendrecv(buffer + sendStart, sendCount, MPI_TYPE, next, step, scratch,         \
                                    receiveCount, MPI_TYPE, previous, step, MPI_COMM_WORLD, MPI_STATUS_IGNORE); \
            if (code != MPI_SUCCESS) return code;                                                         \
            TYPE *target = buffer + receiveStart;                                                         \
            for (int i = 0; i < receiveCount; i++) target[i] = scratch[i] + target[i];                    \
        }                                                                                                 \
        /* Rank r now holds chunk (r + 1) complete; pass the finished chunks round the ring. */           \
        for (int step = 0; step < size - 1; step++) {                                                     \
            int send = (rank + 1 - step + 2 * size) % size, receive = (rank - step + 2 * size) % size;    \
            size_t sendStart = chunk_start(count, size, send), receiveStart = chunk_start(count, size, receive); \
            int sendCount = (int)(chunk_start(count, size, send + 1) - sendStart);                        \
            int receiveCount = (int)(chunk_start(count, size, receive + 1) - receiveStart);               \
            int code = MPI_Sendrecv(buffer + sendStart, sendCount, MPI_TYPE, next, size + step,           \
                                    buffer + receiveStart, receiveCount, MPI_TYPE, previous, size + step, \
                                    MPI_COMM_WORLD, MPI_STATUS_IGNORE);                                   \
            if (code != MPI_SUCCESS) return code;                                                         \
        }                                                                                                 \
        return MPI_SUCCESS;                                                                               \
    }

RING_ALLREDUCE(curate_mpi_allreduce_sum, float, MPI_FLOAT)
RING_ALLREDUCE(curate_mpi_allreduce_sum_double, double, MPI_DOUBLE)
