/* bench_exec.c - wall time of whole processes, start to exit (issue 11: one
 * lookup from the shell). Used by bench/single.sh.
 *
 *   bench_exec RUNS [--clear DIR] -- PROGRAM ARGS...
 *
 * Runs PROGRAM RUNS times one after the other (fork + execvp + wait, output to
 * /dev/null) and prints "median_ms p90_ms min_ms" of the wall time measured
 * with CLOCK_MONOTONIC around each run. --clear DIR removes the plain files in
 * DIR before every run (outside the timing): a cold snapshot cache each time.
 * A run that does not exit 0 fails the measurement (exit 1).
 * --smoke (ctest): five runs of /bin/true. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void clear_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char p[4096];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
}

int main(int argc, char **argv) {
    char *smoke[] = {"true", NULL};
    int runs, a = 2;
    const char *clear = NULL;
    char **prog;
    if (argc >= 2 && !strcmp(argv[1], "--smoke")) {
        runs = 5, prog = smoke;
    } else {
        if (argc < 4) {
            fprintf(stderr, "usage: bench_exec RUNS [--clear DIR] -- PROGRAM ARGS...\n");
            return 2;
        }
        runs = atoi(argv[1]);
        if (a + 1 < argc && !strcmp(argv[a], "--clear")) clear = argv[a + 1], a += 2;
        if (a >= argc || strcmp(argv[a], "--") || a + 1 >= argc || runs < 1) {
            fprintf(stderr, "usage: bench_exec RUNS [--clear DIR] -- PROGRAM ARGS...\n");
            return 2;
        }
        prog = argv + a + 1;
    }
    double *ms = malloc((size_t)runs * sizeof *ms);
    if (!ms) return 70;
    for (int i = 0; i < runs; i++) {
        if (clear) clear_dir(clear);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        pid_t pid = fork();
        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0) dup2(fd, 1), dup2(fd, 2);
            execvp(prog[0], prog);
            _exit(127);
        }
        int st = 0;
        if (pid < 0 || waitpid(pid, &st, 0) < 0) return 70;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "bench_exec: %s exited %d\n", prog[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1);
            return 1;
        }
        ms[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    }
    qsort(ms, (size_t)runs, sizeof *ms, cmp);
    int p90 = (int)(0.9 * runs + 0.5) - 1;
    printf("%.1f %.1f %.1f\n", ms[runs / 2], ms[p90 < 0 ? 0 : p90], ms[0]);
    free(ms);
    return 0;
}
