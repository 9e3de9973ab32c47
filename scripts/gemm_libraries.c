/* GEMM libraries and threading, measured on the shapes a ResNet's convolutions make.
 *
 * For each shape (C[m,n] = A[m,k] · B[k,n], row-major single precision) prints GFLOP/s of:
 *   openblas-1     one call, OpenBLAS single-threaded
 *   openblas-2     one call, OpenBLAS with 2 threads (its own threading)
 *   openblas-1x2   two single-threaded calls side by side on 2 threads (LearnerLens' scheme)
 *   onednn-1       one call, oneDNN dnnl_sgemm single-threaded
 *   onednn-1x2     two single-threaded dnnl_sgemm calls side by side
 *   blis-1         one call, BLIS's typed API single-threaded (built with -DWITH_BLIS)
 * Build and run: scripts/gemm_libraries.sh   (needs libopenblas-dev and libdnnl-dev; BLIS column with libblis-dev)
 */
#include <cblas.h>
#include <dnnl.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#ifdef WITH_BLIS
#include <blis.h>
#endif

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

typedef enum { OPENBLAS, ONEDNN, BLIS } lib_t;
typedef struct { lib_t lib; int m, n, k, reps; const float *a, *b; float *c; } job_t;

static void gemm(lib_t lib, int m, int n, int k, const float *a, const float *b, float *c) {
    switch (lib) {
    case OPENBLAS: cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n); break;
    case ONEDNN: omp_set_num_threads(1); dnnl_sgemm('N', 'N', m, n, k, 1, a, k, b, n, 0, c, n); break;
    case BLIS: {
#ifdef WITH_BLIS
        float one = 1, zero = 0;
        bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, m, n, k, &one, (float *)a, k, 1, (float *)b, n, 1, &zero, c, n, 1);
#endif
        break;
    }
    }
}

static pthread_barrier_t start, stop;

/* Each thread warms up (its first calls allocate the library's per-thread buffers), then runs
   its timed calls between two barriers that the main thread times. */
static void *run(void *p) {
    job_t *j = p;
    for (int r = 0; r < 2; r++) gemm(j->lib, j->m, j->n, j->k, j->a, j->b, j->c);
    pthread_barrier_wait(&start);
    for (int r = 0; r < j->reps; r++) gemm(j->lib, j->m, j->n, j->k, j->a, j->b, j->c);
    pthread_barrier_wait(&stop);
    return NULL;
}

/* GFLOP/s of `copies` side-by-side threads, each doing `reps` calls. */
static double measure(lib_t lib, int m, int n, int k, int copies, int reps, const float *a, const float *b, float **c) {
    job_t jobs[2];
    pthread_t th[2];
    pthread_barrier_init(&start, NULL, copies + 1);
    pthread_barrier_init(&stop, NULL, copies + 1);
    for (int i = 0; i < copies; i++) {
        jobs[i] = (job_t){lib, m, n, k, reps, a, b, c[i]};
        pthread_create(&th[i], NULL, run, &jobs[i]);
    }
    pthread_barrier_wait(&start);
    double t0 = now();
    pthread_barrier_wait(&stop);
    double t = now() - t0;
    for (int i = 0; i < copies; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
    pthread_barrier_destroy(&stop);
    return 2.0 * m * n * k * reps * copies / t / 1e9;
}

int main(void) {
    /* Winograd position GEMMs (OC x C x tiles), im2col and 1x1 convolutions of resnet34/50. */
    int shapes[][3] = {{64, 196, 64}, {128, 196, 128}, {256, 49, 256}, {512, 16, 512}, {64, 1568, 64},
                       {512, 128, 512}, {64, 3136, 576}, {128, 784, 1152}, {512, 49, 4608}, {64, 3136, 256},
                       {2048, 49, 512}, {64, 12544, 147}};
    int count = sizeof shapes / sizeof shapes[0];
    float *a = malloc(sizeof(float) << 24), *b = malloc(sizeof(float) << 24), *c[2] = {malloc(sizeof(float) << 24), malloc(sizeof(float) << 24)};
    for (long i = 0; i < 1L << 24; i++) { a[i] = rand() / (float)RAND_MAX - 0.5f; b[i] = rand() / (float)RAND_MAX - 0.5f; }
#ifdef WITH_BLIS
    bli_thread_set_num_threads(1);
    printf("| m | n | k | openblas-1 | openblas-2 | openblas-1x2 | onednn-1 | onednn-1x2 | blis-1 |\n|---|---|---|---|---|---|---|---|---|\n");
#else
    printf("| m | n | k | openblas-1 | openblas-2 | openblas-1x2 | onednn-1 | onednn-1x2 |\n|---|---|---|---|---|---|---|---|\n");
#endif
    for (int s = 0; s < count; s++) {
        int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        int reps = (int)(1e9 / (2.0 * m * n * k)) + 3;  /* about 1 GFLOP per thread and measurement */
        openblas_set_num_threads(1);
        double ob1 = measure(OPENBLAS, m, n, k, 1, reps, a, b, c);
        double ob1x2 = measure(OPENBLAS, m, n, k, 2, reps, a, b, c);
        double dn1 = measure(ONEDNN, m, n, k, 1, reps, a, b, c);
        double dn1x2 = measure(ONEDNN, m, n, k, 2, reps, a, b, c);
        /* Last, because OpenBLAS's worker thread spins on the second core for a while after a
           threaded call, which would slow whatever runs next there. */
        openblas_set_num_threads(2);
        double ob2 = measure(OPENBLAS, m, n, k, 1, reps, a, b, c);
        openblas_set_num_threads(1);
        usleep(500000);
#ifdef WITH_BLIS
        double bl1 = measure(BLIS, m, n, k, 1, reps, a, b, c);
        printf("| %d | %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n", m, n, k, ob1, ob2, ob1x2, dn1, dn1x2, bl1);
#else
        printf("| %d | %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f |\n", m, n, k, ob1, ob2, ob1x2, dn1, dn1x2);
#endif
    }
    return 0;
}
