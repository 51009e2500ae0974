#include "core/progress.h"
#include "core/xmalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_DELAY_NS INT64_C(1000000000)   /* show after 1 s */
#define PROGRESS_PERIOD_NS INT64_C(100000000)   /* redraw every 100 ms */

struct progress {
	char *label;
	int64_t total;
	_Atomic int64_t done;
	_Atomic int64_t rows;
	_Atomic int64_t next_draw;   /* monotonic ns of the next allowed redraw */
	atomic_bool finished;
	bool tty;
	bool drawn;                  /* under mu */
	int64_t t0;
	pthread_mutex_t mu;
	char unit[24];               /* counting units ("trees"), or "" for bytes */
	struct progress *older;      /* the live list, under live_mu */
	struct progress *newer;
};

/* Jobs that have not finished, newest last, for progress_latest(); guarded
 * by live_mu (a job leaves the list under it before it can be freed). */
static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static struct progress *live_newest;

static int64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct progress *
progress_new(const char *label, int64_t total_bytes)
{
	struct progress *p = xcalloc(1, sizeof *p);
	const char *term = getenv("TERM");
	p->label = xstrdup(label ? label : "");
	p->total = total_bytes;
	p->tty = isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
	p->t0 = now_ns();
	atomic_init(&p->done, 0);
	atomic_init(&p->rows, 0);
	atomic_init(&p->next_draw, p->t0 + PROGRESS_DELAY_NS);
	atomic_init(&p->finished, false);
	pthread_mutex_init(&p->mu, NULL);
	pthread_mutex_lock(&live_mu);
	p->older = live_newest;
	if (live_newest != NULL)
		live_newest->newer = p;
	live_newest = p;
	pthread_mutex_unlock(&live_mu);
	return p;
}

static void
fmt_rate(char *buf, size_t cap, double v, const char *unit)
{
	if (v >= 1e9)
		snprintf(buf, cap, "%.1fG%s", v / 1e9, unit);
	else if (v >= 1e6)
		snprintf(buf, cap, "%.1fM%s", v / 1e6, unit);
	else if (v >= 1e3)
		snprintf(buf, cap, "%.1fk%s", v / 1e3, unit);
	else
		snprintf(buf, cap, "%.0f%s", v, unit);
}

void
progress_set_unit(struct progress *p, const char *unit)
{
	if (p != NULL)
		snprintf(p->unit, sizeof p->unit, "%s", unit ? unit : "");
}

size_t
progress_format(char *buf, size_t cap, const char *label, int64_t done, int64_t total,
    int64_t rows, double secs, int width)
{
	return progress_format_unit(buf, cap, label, done, total, rows, secs, width, NULL);
}

size_t
progress_format_unit(char *buf, size_t cap, const char *label, int64_t done, int64_t total,
    int64_t rows, double secs, int width, const char *unit)
{
	char tail[200], rate[48], rrate[48], eta[48] = "";
	double bps = secs > 0 ? (double)done / secs : 0;
	size_t n = 0;

	if (cap == 0)
		return 0;
	if (width > (int)cap - 1)
		width = (int)cap - 1;
	if (unit != NULL && *unit) {
		/* "37/100 trees" instead of a byte rate */
		snprintf(rate, sizeof rate, "%lld/%lld %s", (long long)done, (long long)total, unit);
	} else {
		fmt_rate(rate, sizeof rate, bps, "B/s");
	}
	rrate[0] = '\0';
	if (rows > 0 && secs > 0) {
		char r[32];
		fmt_rate(r, sizeof r, (double)rows / secs, " rows/s");
		snprintf(rrate, sizeof rrate, "  %s", r);
	}
	if (total > 0) {
		double frac = (double)done / (double)total;
		if (frac > 1)
			frac = 1;
		if (bps > 0) {
			int64_t left = (int64_t)((double)(total - done) / bps + 0.5);
			if (left < 0)
				left = 0;
			snprintf(eta, sizeof eta, "  ETA %lld:%02lld", (long long)(left / 60),
			    (long long)(left % 60));
		}
		snprintf(tail, sizeof tail, " %3d%%  %s%s%s", (int)(frac * 100), rate, rrate, eta);
		int barw = width - (int)strlen(label) - (int)strlen(tail) - 3;
		if (barw > 40)
			barw = 40;
		n = (size_t)snprintf(buf, cap, "%s", label);
		if (barw >= 5 && n + (size_t)barw + 3 < cap) {
			int fill = (int)(frac * barw);
			buf[n++] = ' ';
			buf[n++] = '[';
			for (int i = 0; i < barw; i++)
				buf[n++] = i < fill ? '#' : '.';
			buf[n++] = ']';
			buf[n] = '\0';
		}
	} else {
		char d[32];
		fmt_rate(d, sizeof d, (double)done, "B");
		snprintf(tail, sizeof tail, "  %s  %s%s", d, rate, rrate);
		n = (size_t)snprintf(buf, cap, "%s", label);
	}
	if (n >= cap)
		n = cap - 1;
	n += (size_t)snprintf(buf + n, cap - n, "%s", tail);
	if (n >= cap)
		n = cap - 1;
	if (width > 0 && n > (size_t)width) {
		n = (size_t)width;
		buf[n] = '\0';
	}
	return n;
}

static int
term_width(void)
{
	struct winsize ws;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		return ws.ws_col;
	return 80;
}

static void
progress_draw(struct progress *p, int64_t now)
{
	char line[512];
	size_t n = progress_format_unit(line, sizeof line, p->label, atomic_load(&p->done), p->total,
	    atomic_load(&p->rows), (double)(now - p->t0) / 1e9, term_width() - 1, p->unit);
	/* \r, the line, erase to end of line */
	fprintf(stderr, "\r%.*s\033[K", (int)n, line);
	fflush(stderr);
	p->drawn = true;
}

static void
progress_tick(struct progress *p)
{
	int64_t now, due;
	if (!p->tty || atomic_load_explicit(&p->finished, memory_order_relaxed))
		return;
	now = now_ns();
	due = atomic_load_explicit(&p->next_draw, memory_order_relaxed);
	if (now < due)
		return;
	if (!atomic_compare_exchange_strong(&p->next_draw, &due, now + PROGRESS_PERIOD_NS))
		return;
	if (pthread_mutex_trylock(&p->mu) != 0)
		return;
	if (!atomic_load(&p->finished))
		progress_draw(p, now);
	pthread_mutex_unlock(&p->mu);
}

void
progress_add(struct progress *p, int64_t bytes)
{
	if (p == NULL)
		return;
	atomic_fetch_add_explicit(&p->done, bytes, memory_order_relaxed);
	progress_tick(p);
}

void
progress_add_rows(struct progress *p, int64_t rows)
{
	if (p == NULL)
		return;
	atomic_fetch_add_explicit(&p->rows, rows, memory_order_relaxed);
}

void
progress_done(struct progress *p)
{
	if (p == NULL)
		return;
	if (atomic_exchange(&p->finished, true))
		return;
	pthread_mutex_lock(&live_mu);
	if (p->older != NULL)
		p->older->newer = p->newer;
	if (p->newer != NULL)
		p->newer->older = p->older;
	else
		live_newest = p->older;
	p->older = p->newer = NULL;
	pthread_mutex_unlock(&live_mu);
	pthread_mutex_lock(&p->mu);
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->drawn = false;
	}
	pthread_mutex_unlock(&p->mu);
}

void
progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	progress_done(p);
	pthread_mutex_destroy(&p->mu);
	free(p->label);
	free(p);
}

size_t
progress_latest(char *buf, size_t cap, int width)
{
	size_t n = 0;
	if (cap == 0)
		return 0;
	buf[0] = '\0';
	pthread_mutex_lock(&live_mu);
	struct progress *p = live_newest;
	if (p != NULL)
		n = progress_format_unit(buf, cap, p->label, atomic_load(&p->done), p->total, atomic_load(&p->rows),
		    (double)(now_ns() - p->t0) / 1e9, width, p->unit);
	pthread_mutex_unlock(&live_mu);
	return n;
}
