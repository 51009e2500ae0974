/*
 * ml_track: experiments and runs in MLflow's file-store layout (see
 * ml_track.h for the layout and the contracts).
 *
 * What is written follows MLflow 2.x's FileStore: the same files, keys and
 * values (meta.yaml through ml_yaml, which writes as PyYAML does; metric
 * values as Python's repr(float)), the same ids (runs: uuid4().hex;
 * experiments: 18 random digits), the same rules (params immutable, writes
 * only to active runs, mlflow.runName mirrored in meta.yaml, deleted_time
 * dropped when a run's meta.yaml is rewritten, as MLflow's
 * _overwrite_run_info does). What differs is care: meta.yaml and params
 * and tags are written to a temporary file and renamed, and a run that
 * cannot be fully created is removed again.
 */
#include "ml/ml_track.h"
#include "ml/ml_yaml.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "store/lake/lake.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_EXP "0"
#define META "meta.yaml"

struct mlt_store {
	char *root;
	bool root_ready;       /* ensured this session: exists, with .trash */
	/* The last run found: a loop of log calls on one run searches once. */
	char *cache_id, *cache_dir, *cache_exp;
};

/* ------------------------------------------------------------ small helpers */

int64_t
mlt_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool
exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int
urandom(void *buf, size_t n, struct wb_error *err)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	while (fd >= 0 && got < n) {
		ssize_t k = read(fd, (char *)buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (fd >= 0)
		close(fd);
	if (got < n) {
		err_set(err, -1, "cannot read random bytes from /dev/urandom: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* uuid4().hex: 32 lower-case hex digits, version 4, RFC 4122 variant. */
static int
uuid4_hex(char out[33], struct wb_error *err)
{
	unsigned char b[16];
	if (urandom(b, sizeof b, err) < 0)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

/* A uniform digit from random bytes (rejecting 250..255 keeps it fair). */
static int
random_digits(char *out, int n, int first_min, struct wb_error *err)
{
	for (int i = 0; i < n;) {
		unsigned char b[32];
		if (urandom(b, sizeof b, err) < 0)
			return -1;
		for (size_t j = 0; j < sizeof b && i < n; j++) {
			if (b[j] >= 250)
				continue;
			int d = b[j] % 10;
			if (i == 0 && d < first_min)
				continue;
			out[i++] = (char)('0' + d);
		}
	}
	out[n] = '\0';
	return 0;
}

/* os.path.abspath: the path made absolute and normalised lexically. */
static char *
abs_path(const char *path, struct wb_error *err)
{
	struct strbuf in = STRBUF_INIT;
	if (path[0] != '/') {
		char *cwd = getcwd(NULL, 0);
		if (cwd == NULL) {
			err_set(err, -1, "cannot find the current directory to resolve '%s': %s", path, strerror(errno));
			return NULL;
		}
		sb_printf(&in, "%s/", cwd);
		free(cwd);
	}
	sb_puts(&in, path);
	/* split on '/', drop "" and ".", pop on ".." */
	char **parts = xmalloc((in.len + 1) * sizeof *parts);
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(in.s, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0) {
			if (n > 0)
				n--;
			continue;
		}
		parts[n++] = t;
	}
	struct strbuf out = STRBUF_INIT;
	for (int i = 0; i < n; i++)
		sb_printf(&out, "/%s", parts[i]);
	if (n == 0)
		sb_puts(&out, "/");
	free(parts);
	sb_free(&in);
	return sb_detach(&out);
}

char *
mlt_path_to_uri(const char *path)
{
	/* Python's quote(path, safe='/'): letters, digits, "_.-~" and '/'
	 * stay, every other byte is %XX. */
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("_.-~/", *p))
			sb_putc(&sb, (char)*p);
		else
			sb_printf(&sb, "%%%02X", *p);
	}
	return sb_detach(&sb);
}

static int
hexdig(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
mlt_uri_to_path(const char *uri)
{
	const char *p;
	if (strncmp(uri, "file://localhost/", 17) == 0)
		p = uri + 16;
	else if (strncmp(uri, "file:///", 8) == 0)
		p = uri + 7;
	else if (strncmp(uri, "file:/", 6) == 0 && uri[6] != '/')
		p = uri + 5;
	else if (uri[0] == '/')
		p = uri;   /* a bare absolute path, as some clients store */
	else
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	for (; *p; p++) {
		if (*p == '%' && hexdig(p[1]) >= 0 && hexdig(p[2]) >= 0) {
			sb_putc(&sb, (char)(hexdig(p[1]) * 16 + hexdig(p[2])));
			p += 2;
		} else {
			sb_putc(&sb, *p);
		}
	}
	return sb_detach(&sb);
}

int
mlt_mkdirs(const char *path, struct wb_error *err)
{
	if (lake_mkdirs(path, err) < 0) {
		err_hint(err, "check that the tracking directory is writable");
		return -1;
	}
	return 0;
}

int
mlt_remove_tree(const char *path, struct wb_error *err)
{
	return lake_remove_tree(path, err);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
mlt_subdirs(const char *dir, int *n)
{
	*n = 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return NULL;
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *full = xasprintf("%s/%s", dir, e->d_name);
		bool dir_ok = is_dir(full);
		free(full);
		if (!dir_ok)
			continue;
		v = xgrow(v, &cap, (size_t)*n + 1, sizeof *v);
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(v, (size_t)*n, sizeof *v, cmp_str);
	return v;
}

void
mlt_strv_free(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool
valid_utf8(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int k = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (k == 0)
			return false;
		i += (size_t)k;
	}
	return true;
}

static int
check_text(const char *what, const char *s, struct wb_error *err)
{
	if (!valid_utf8(s)) {
		err_set(err, -1, "%s is not valid UTF-8", what);
		err_hint(err, "MLflow stores text as UTF-8; convert the value first");
		return -1;
	}
	return 0;
}

int
mlt_check_key(const char *what, const char *key, struct wb_error *err)
{
	const char *why = NULL;
	if (key == NULL || key[0] == '\0')
		why = "it is empty";
	else if (!valid_utf8(key))
		why = "it is not valid UTF-8";
	for (const unsigned char *p = (const unsigned char *)key; why == NULL && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p >= 0x80 ||
		    strchr("_-. :/", *p)))
			why = "it holds a character other than letters, digits, '_', '-', '.', ' ', ':' and '/'";
	/* what posixpath.normpath leaves unchanged: no empty, "." or ".." part */
	for (const char *p = key; why == NULL && p;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			why = "a '/'-separated part of it is empty, '.' or '..'";
		p = slash ? slash + 1 : NULL;
	}
	if (why) {
		err_set(err, -1, "invalid %s name '%s': %s", what, key ? key : "", why);
		err_hint(err, "names are relative file paths inside the run: e.g. 'accuracy' or 'eval/loss'");
		return -1;
	}
	return 0;
}

/* MLflow's run and experiment ids: [A-Za-z0-9][A-Za-z0-9_-]*, which
 * also keeps them single path components. */
static int
check_id(const char *what, const char *id, int maxlen, struct wb_error *err)
{
	bool ok = id && id[0] && strlen(id) <= (size_t)maxlen;
	for (const char *p = id; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    (p > id && (*p == '_' || *p == '-'));
	if (!ok) {
		err_set(err, -1, "invalid %s '%s'", what, id ? id : "");
		err_hint(err, "%s ids are letters, digits, '_' and '-' (a run id is 32 hex digits)", what);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ Python's repr(float) */

/* digits (no sign, no leading zeros) and exponent of the shortest decimal
 * that reads back as v > 0, choosing the nearer candidate as Python's
 * dtoa does. */
static void
shortest(double v, char *digits, int *exp10)
{
	char buf[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*e", p - 1, v);
		double back = strtod(buf, NULL);
		if (back != v && back < v && p < 17) {
			/* The correctly rounded p digits fall below v and outside its
			 * rounding interval, which is lopsided at powers of two: the
			 * next p-digit decimal up may still be inside. */
			char up[40];
			char *e = strchr(buf, 'e');
			int ex = atoi(e + 1);
			char d[20];
			int n = 0;
			for (char *q = buf; q < e; q++)
				if (*q >= '0' && *q <= '9')
					d[n++] = *q;
			int i = n - 1;
			while (i >= 0 && d[i] == '9')
				d[i--] = '0';
			if (i < 0) {
				memmove(d + 1, d, (size_t)n);
				d[0] = '1';
				ex++;
			} else {
				d[i]++;
			}
			snprintf(up, sizeof up, "%c.%.*se%d", d[0], n - 1, d + 1, ex);
			if (strtod(up, NULL) == v)
				memcpy(buf, up, strlen(up) + 1);
			back = strtod(buf, NULL);
		}
		if (back == v || p == 17)
			break;
	}
	char *e = strchr(buf, 'e');
	*exp10 = atoi(e + 1);
	int n = 0;
	for (char *q = buf; q < e; q++)
		if (*q >= '0' && *q <= '9')
			digits[n++] = *q;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
}

int
mlt_format_float(double v, char *buf)
{
	if (isnan(v))
		return sprintf(buf, "nan");
	if (isinf(v))
		return sprintf(buf, v < 0 ? "-inf" : "inf");
	if (v == 0)
		return sprintf(buf, signbit(v) ? "-0.0" : "0.0");
	char d[24];
	int x;
	shortest(fabs(v), d, &x);
	int n = (int)strlen(d);
	char *o = buf;
	if (v < 0)
		*o++ = '-';
	if (x < -4 || x >= 16) {
		*o++ = d[0];
		if (n > 1)
			o += sprintf(o, ".%s", d + 1);
		o += sprintf(o, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
	} else if (x < 0) {
		o += sprintf(o, "0.%.*s%s", -x - 1, "0000", d);
	} else if (x + 1 >= n) {
		o += sprintf(o, "%s%.*s.0", d, x + 1 - n, "0000000000000000");
	} else {
		o += sprintf(o, "%.*s.%s", x + 1, d, d + x + 1);
	}
	*o = '\0';
	return (int)(o - buf);
}

/* ------------------------------------------------------------ the store */

struct mlt_store *
mlt_open(const char *root, struct wb_error *err)
{
	if (root == NULL || root[0] == '\0') {
		err_set(err, -1, "no tracking directory given");
		err_hint(err, "wb keeps runs in <warehouse>/mlruns");
		return NULL;
	}
	char *abs = abs_path(root, err);
	if (abs == NULL)
		return NULL;
	struct mlt_store *s = xcalloc(1, sizeof *s);
	s->root = abs;
	return s;
}

static void
cache_clear(struct mlt_store *s)
{
	free(s->cache_id);
	free(s->cache_dir);
	free(s->cache_exp);
	s->cache_id = s->cache_dir = s->cache_exp = NULL;
}

void
mlt_close(struct mlt_store *s)
{
	if (s == NULL)
		return;
	cache_clear(s);
	free(s->root);
	free(s);
}

const char *
mlt_root(const struct mlt_store *s)
{
	return s->root;
}

/* ------------------------------------------------------------ experiments */

void
mlt_experiment_clear(struct mlt_experiment *e)
{
	free(e->experiment_id);
	free(e->name);
	free(e->lifecycle_stage);
	free(e->artifact_location);
	memset(e, 0, sizeof *e);
}

void
mlt_experiments_free(struct mlt_experiment *e, int n)
{
	for (int i = 0; i < n; i++)
		mlt_experiment_clear(&e[i]);
	free(e);
}

static int64_t
yaml_time(const struct ml_yaml *y, const char *key)
{
	int64_t v;
	return ml_yaml_int(y, key, &v) ? v : -1;
}

/* The experiment in dir (named id on disk). Tolerates what MLflow
 * tolerates; a missing or unreadable meta.yaml, no name, or an id that is
 * not the directory's are errors naming the file. */
static int
read_experiment(struct mlt_store *s, const char *dir, const char *id, struct mlt_experiment *out,
    struct wb_error *err)
{
	memset(out, 0, sizeof *out);
	char *path = xasprintf("%s/%s", dir, META);
	struct ml_yaml y;
	int rc = ml_yaml_read_file(path, &y, err);
	if (rc == 0) {
		const char *eid = ml_yaml_text(&y, "experiment_id");
		const char *name = ml_yaml_text(&y, "name");
		if (eid == NULL || name == NULL) {
			err_set(err, -1, "%s has no %s", path, eid == NULL ? "experiment_id" : "name");
			err_hint(err, "an experiment's meta.yaml needs experiment_id and name");
			rc = -1;
		} else if (strcmp(eid, id) != 0) {
			err_set(err, -1, "%s says experiment_id '%s' but lies in the directory of experiment '%s'", path,
			    eid, id);
			err_hint(err, "MLflow ignores such an experiment too; fix the id or the directory name");
			rc = -1;
		} else {
			const char *stage = ml_yaml_text(&y, "lifecycle_stage");
			const char *loc = ml_yaml_text(&y, "artifact_location");
			out->experiment_id = xstrdup(eid);
			out->name = xstrdup(name);
			out->lifecycle_stage = xstrdup(stage ? stage : "active");
			if (loc) {
				out->artifact_location = xstrdup(loc);
			} else {
				char *p = xasprintf("%s/%s", s->root, id);
				out->artifact_location = mlt_path_to_uri(p);
				free(p);
			}
			out->creation_time = yaml_time(&y, "creation_time");
			out->last_update_time = yaml_time(&y, "last_update_time");
		}
	}
	ml_yaml_free(&y);
	free(path);
	return rc;
}

/* Where experiment id lives: <root>/<id> or <root>/.trash/<id>; NULL. */
static char *
experiment_dir(struct mlt_store *s, const char *id, bool *deleted)
{
	char *d = xasprintf("%s/%s", s->root, id);
	if (deleted)
		*deleted = false;
	if (is_dir(d))
		return d;
	free(d);
	d = xasprintf("%s/.trash/%s", s->root, id);
	if (is_dir(d)) {
		if (deleted)
			*deleted = true;
		return d;
	}
	free(d);
	return NULL;
}

static bool
reserved_root_entry(const char *name)
{
	return strcmp(name, ".trash") == 0 || strcmp(name, "models") == 0;
}

static int
cmp_experiments(const void *a, const void *b)
{
	const struct mlt_experiment *x = a, *y = b;
	if (x->creation_time != y->creation_time)
		return x->creation_time > y->creation_time ? -1 : 1;
	return strcmp(x->experiment_id, y->experiment_id);
}

/* Read every experiment directory of parent into *v, skipping damaged
 * ones with a notice. */
static void
collect_experiments(struct mlt_store *s, const char *parent, bool trash, struct mlt_experiment **v, int *n,
    size_t *cap)
{
	int nd;
	char **names = mlt_subdirs(parent, &nd);
	for (int i = 0; i < nd; i++) {
		if (!trash && reserved_root_entry(names[i]))
			continue;
		char *dir = xasprintf("%s/%s", parent, names[i]);
		struct mlt_experiment e;
		struct wb_error err = WB_ERROR_INIT;
		if (read_experiment(s, dir, names[i], &e, &err) == 0) {
			*v = xgrow(*v, cap, (size_t)*n + 1, sizeof **v);
			(*v)[(*n)++] = e;
		} else {
			wb_notice("skipping experiment directory %s: %s", dir, err.msg);
			mlt_experiment_clear(&e);
		}
		err_clear(&err);
		free(dir);
	}
	mlt_strv_free(names, nd);
}

int
mlt_experiments(struct mlt_store *s, enum mlt_view view, struct mlt_experiment **out, int *n, struct wb_error *err)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	if (exists(s->root)) {
		/* a store that exists must be readable: no silent empty list */
		DIR *d = opendir(s->root);
		if (d == NULL) {
			err_set(err, -1, "cannot read the tracking directory %s: %s", s->root, strerror(errno));
			err_hint(err, "check that it is a directory you may read");
			return -1;
		}
		closedir(d);
	}
	if (view != MLT_DELETED)
		collect_experiments(s, s->root, false, out, n, &cap);
	if (view != MLT_ACTIVE) {
		char *trash = xasprintf("%s/.trash", s->root);
		collect_experiments(s, trash, true, out, n, &cap);
		free(trash);
	}
	if (*n > 1)
		qsort(*out, (size_t)*n, sizeof **out, cmp_experiments);
	return 0;
}

int
mlt_experiment_by_name(struct mlt_store *s, const char *name, struct mlt_experiment *out, struct wb_error *err)
{
	struct mlt_experiment *v;
	int n, found = 0;
	memset(out, 0, sizeof *out);
	if (mlt_experiments(s, MLT_ACTIVE, &v, &n, err) < 0)
		return -1;
	for (int i = 0; i < n && !found; i++)
		if (strcmp(v[i].name, name) == 0) {
			*out = v[i];
			memset(&v[i], 0, sizeof v[i]);
			found = 1;
		}
	mlt_experiments_free(v, n);
	return found;
}

int
mlt_experiment_get(struct mlt_store *s, const char *id, struct mlt_experiment *out, struct wb_error *err)
{
	memset(out, 0, sizeof *out);
	if (check_id("experiment", id, 63, err) < 0)
		return -1;
	char *dir = experiment_dir(s, id, NULL);
	if (dir == NULL)
		return 0;
	int rc = read_experiment(s, dir, id, out, err);
	free(dir);
	return rc < 0 ? -1 : 1;
}

static int
write_experiment_meta(const char *dir, const struct mlt_experiment *e, struct wb_error *err)
{
	struct ml_yaml y = ML_YAML_INIT;
	ml_yaml_set_str(&y, "artifact_location", e->artifact_location);
	if (e->creation_time >= 0)
		ml_yaml_set_int(&y, "creation_time", e->creation_time);
	else
		ml_yaml_set_null(&y, "creation_time");
	ml_yaml_set_str(&y, "experiment_id", e->experiment_id);
	ml_yaml_set_int(&y, "last_update_time", e->last_update_time);
	ml_yaml_set_str(&y, "lifecycle_stage", e->lifecycle_stage);
	ml_yaml_set_str(&y, "name", e->name);
	char *path = xasprintf("%s/%s", dir, META);
	int rc = ml_yaml_write_file(path, &y, err);
	free(path);
	ml_yaml_free(&y);
	return rc;
}

/* mkdir <root>/<id> (exclusively) and write its meta.yaml; the directory
 * is removed again when the meta.yaml cannot be written. 1 when the
 * directory already existed (nothing done). */
static int
create_experiment_with_id(struct mlt_store *s, const char *id, const char *name, struct wb_error *err)
{
	char *dir = xasprintf("%s/%s", s->root, id);
	if (mkdir(dir, 0777) < 0) {
		int e = errno;
		free(dir);
		if (e == EEXIST)
			return 1;
		err_set(err, -1, "cannot create experiment directory %s/%s: %s", s->root, id, strerror(e));
		err_hint(err, "check that the tracking directory is writable");
		return -1;
	}
	int64_t now = mlt_now_ms();
	struct mlt_experiment e = {
		.experiment_id = (char *)id,
		.name = (char *)name,
		.lifecycle_stage = (char *)"active",
		.creation_time = now,
		.last_update_time = now,
	};
	e.artifact_location = mlt_path_to_uri(dir);
	int rc = write_experiment_meta(dir, &e, err);
	if (rc < 0)
		rmdir(dir);
	free(e.artifact_location);
	free(dir);
	return rc;
}

int
mlt_ensure_root(struct mlt_store *s, struct wb_error *err)
{
	if (s->root_ready)
		return 0;
	if (!is_dir(s->root)) {
		if (exists(s->root)) {
			err_set(err, -1, "the tracking path %s is not a directory", s->root);
			err_hint(err, "move the file away or choose another warehouse");
			return -1;
		}
		/* MLflow makes the Default experiment with the root */
		if (mlt_mkdirs(s->root, err) < 0 || create_experiment_with_id(s, DEFAULT_EXP, "Default", err) < 0)
			return -1;
	}
	char *trash = xasprintf("%s/.trash", s->root);
	int rc = mkdir(trash, 0777) < 0 && errno != EEXIST ? -1 : 0;
	if (rc < 0) {
		err_set(err, -1, "cannot create directory %s: %s", trash, strerror(errno));
		err_hint(err, "check that the tracking directory is writable");
	}
	free(trash);
	s->root_ready = rc == 0;
	return rc;
}

static int
check_experiment_name(const char *name, struct wb_error *err)
{
	if (name == NULL || name[0] == '\0') {
		err_set(err, -1, "an experiment name cannot be empty");
		return -1;
	}
	return check_text("the experiment name", name, err);
}

int
mlt_experiment_create(struct mlt_store *s, const char *name, char **id_out, struct wb_error *err)
{
	*id_out = NULL;
	if (check_experiment_name(name, err) < 0 || mlt_ensure_root(s, err) < 0)
		return -1;
	struct mlt_experiment e;
	int found = mlt_experiment_by_name(s, name, &e, err);
	if (found != 0) {
		if (found > 0) {
			err_set(err, -1, "experiment '%s' already exists (id %s)", name, e.experiment_id);
			err_hint(err, "log into it, or choose another name");
		}
		mlt_experiment_clear(&e);
		return -1;
	}
	for (int attempt = 0; attempt < 16; attempt++) {
		char id[19];
		if (random_digits(id, 18, 1, err) < 0)
			return -1;
		char *trashed = xasprintf("%s/.trash/%s", s->root, id);
		bool taken = exists(trashed);
		free(trashed);
		if (taken)
			continue;
		int rc = create_experiment_with_id(s, id, name, err);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			*id_out = xstrdup(id);
			return 0;
		}
	}
	err_set(err, -1, "could not find a free experiment id in %s", s->root);
	return -1;
}

int
mlt_experiment_get_or_create(struct mlt_store *s, const char *name, char **id_out, struct wb_error *err)
{
	*id_out = NULL;
	if (check_experiment_name(name, err) < 0)
		return -1;
	struct mlt_experiment e;
	int found = mlt_experiment_by_name(s, name, &e, err);
	if (found < 0)
		return -1;
	if (found > 0) {
		*id_out = e.experiment_id;
		e.experiment_id = NULL;
		mlt_experiment_clear(&e);
		return 0;
	}
	if (strcmp(name, "Default") == 0 && !is_dir(s->root)) {
		/* the root's creation makes it */
		if (mlt_ensure_root(s, err) < 0)
			return -1;
		*id_out = xstrdup(DEFAULT_EXP);
		return 0;
	}
	return mlt_experiment_create(s, name, id_out, err);
}

/* ------------------------------------------------------------ runs: finding */

static const char *const reserved_exp_dirs[] = {"tags", "datasets", "traces"};

static bool
reserved_exp_entry(const char *name)
{
	for (size_t i = 0; i < sizeof reserved_exp_dirs / sizeof reserved_exp_dirs[0]; i++)
		if (strcmp(name, reserved_exp_dirs[i]) == 0)
			return true;
	return false;
}

/* Find run_id's directory among the active and deleted experiments:
 * 1 (*dir, *exp_id malloc'd), 0 none, -1 bad id. */
static int
find_run(struct mlt_store *s, const char *run_id, char **dir, char **exp_id, struct wb_error *err)
{
	*dir = *exp_id = NULL;
	if (check_id("run id", run_id, 256, err) < 0)
		return -1;
	if (s->cache_id && strcmp(s->cache_id, run_id) == 0 && is_dir(s->cache_dir)) {
		*dir = xstrdup(s->cache_dir);
		*exp_id = xstrdup(s->cache_exp);
		return 1;
	}
	static const char *const parents[] = {"", "/.trash"};
	for (int t = 0; t < 2 && *dir == NULL; t++) {
		char *parent = xasprintf("%s%s", s->root, parents[t]);
		int n;
		char **exps = mlt_subdirs(parent, &n);
		for (int i = 0; i < n && *dir == NULL; i++) {
			if (t == 0 && reserved_root_entry(exps[i]))
				continue;
			char *d = xasprintf("%s/%s/%s", parent, exps[i], run_id);
			if (is_dir(d)) {
				*dir = d;
				*exp_id = xstrdup(exps[i]);
			} else {
				free(d);
			}
		}
		mlt_strv_free(exps, n);
		free(parent);
	}
	if (*dir == NULL)
		return 0;
	cache_clear(s);
	s->cache_id = xstrdup(run_id);
	s->cache_dir = xstrdup(*dir);
	s->cache_exp = xstrdup(*exp_id);
	return 1;
}

static int
no_such_run(struct mlt_store *s, const char *run_id, struct wb_error *err)
{
	err_set(err, -1, "no run '%s' in %s", run_id, s->root);
	err_hint(err, "list the runs to see their ids");
	return -1;
}

/* The run's meta.yaml, for a write: the run must exist and be active. */
struct run_ref {
	char *dir, *exp_id, *meta_path;
	struct ml_yaml meta;
};

static void
run_ref_free(struct run_ref *r)
{
	free(r->dir);
	free(r->exp_id);
	free(r->meta_path);
	ml_yaml_free(&r->meta);
}

static int
open_run(struct mlt_store *s, const char *run_id, bool need_active, struct run_ref *r, struct wb_error *err)
{
	memset(r, 0, sizeof *r);
	int f = find_run(s, run_id, &r->dir, &r->exp_id, err);
	if (f <= 0)
		return f < 0 ? -1 : no_such_run(s, run_id, err);
	r->meta_path = xasprintf("%s/%s", r->dir, META);
	if (ml_yaml_read_file(r->meta_path, &r->meta, err) < 0) {
		err_hint(err, "the run's meta.yaml is missing or damaged");
		return -1;
	}
	const char *stage = ml_yaml_text(&r->meta, "lifecycle_stage");
	if (need_active && stage && strcmp(stage, "active") != 0) {
		err_set(err, -1, "run '%s' is %s; only active runs can be changed", run_id, stage);
		err_hint(err, "restore it with MLflow, or log into a new run");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ runs: writing */

static const char *const adjectives[] = {"able", "brave", "bright", "calm", "clever", "crisp", "eager", "fancy",
    "gentle", "glad", "honest", "keen", "lively", "lucky", "merry", "mighty", "neat", "nimble", "polite", "proud",
    "quick", "quiet", "rare", "shy", "silent", "smart", "swift", "tidy", "vivid", "warm", "wise", "zesty"};
static const char *const nouns[] = {"ant", "bass", "bat", "bee", "cat", "cod", "crab", "crow", "deer", "dove",
    "eel", "elk", "finch", "fox", "gnat", "goat", "hare", "hawk", "ibis", "jay", "koi", "lark", "lynx", "mole",
    "moth", "newt", "owl", "panda", "ram", "seal", "toad", "wolf"};

/* A random "adjective-noun-NNN" run name, as MLflow gives unnamed runs. */
static char *
random_run_name(struct wb_error *err)
{
	unsigned char b[4];
	if (urandom(b, sizeof b, err) < 0)
		return NULL;
	return xasprintf("%s-%s-%d", adjectives[b[0] % 32], nouns[b[1] % 32], (b[2] * 256 + b[3]) % 1000);
}

static char *
default_user(void)
{
	const char *u = getenv("USER");
	if (u && u[0])
		return xstrdup(u);
	struct passwd *pw = getpwuid(getuid());
	return xstrdup(pw && pw->pw_name ? pw->pw_name : "unknown");
}

/* Write a param or tag file: value as the whole content, no newline. The
 * temporary file lives in the run directory (never inside params/ or
 * tags/, whose every file is a key). */
static int
write_value_file(const char *rundir, const char *folder, const char *key, const char *value, bool exclusive,
    struct wb_error *err)
{
	char *path = xasprintf("%s/%s/%s", rundir, folder, key);
	char *parent = xstrdup(path);
	*strrchr(parent, '/') = '\0';
	int rc = mlt_mkdirs(parent, err);
	if (rc == 0)
		rc = ml_yaml_file_write(path, rundir, value, strlen(value), exclusive, err);
	free(parent);
	free(path);
	return rc;
}

static int
set_tag_file(const char *rundir, const char *key, const char *value, struct wb_error *err)
{
	return write_value_file(rundir, "tags", key, value, false, err);
}

int
mlt_run_create(struct mlt_store *s, const char *experiment_id, const char *run_name, const char *user,
    const char *source_name, int64_t start_ms, char **run_id_out, struct wb_error *err)
{
	*run_id_out = NULL;
	const char *eid = experiment_id ? experiment_id : DEFAULT_EXP;
	if (check_id("experiment", eid, 63, err) < 0 || mlt_ensure_root(s, err) < 0)
		return -1;
	if (strcmp(eid, DEFAULT_EXP) == 0 && create_experiment_with_id(s, DEFAULT_EXP, "Default", err) < 0)
		return -1;
	struct mlt_experiment exp;
	int f = mlt_experiment_get(s, eid, &exp, err);
	if (f <= 0) {
		if (f == 0) {
			err_set(err, -1, "no experiment with id '%s' in %s", eid, s->root);
			err_hint(err, "create the experiment first, or list the experiments to see their ids");
		}
		return -1;
	}
	int rc = -1;
	char *name = NULL, *who = NULL, *dir = NULL;
	char id[33];
	if (strcmp(exp.lifecycle_stage, "active") != 0) {
		err_set(err, -1, "experiment '%s' (%s) is %s; runs can only be created in an active experiment",
		    exp.name, eid, exp.lifecycle_stage);
		goto out;
	}
	name = run_name && run_name[0] ? xstrdup(run_name) : random_run_name(err);
	who = user ? xstrdup(user) : default_user();
	if (name == NULL || check_text("the run name", name, err) < 0 || check_text("the user name", who, err) < 0 ||
	    (source_name && check_text("the source name", source_name, err) < 0) || uuid4_hex(id, err) < 0)
		goto out;
	dir = xasprintf("%s/%s/%s", s->root, eid, id);
	if (mkdir(dir, 0777) < 0) {
		err_set(err, -1, "cannot create run directory %s: %s", dir, strerror(errno));
		err_hint(err, "check that the tracking directory is writable");
		free(dir);
		dir = NULL;
		goto out;
	}
	const char *loc = exp.artifact_location;
	size_t ll = strlen(loc);
	char *art = xasprintf("%s%s%s/artifacts", loc, ll && loc[ll - 1] == '/' ? "" : "/", id);
	struct ml_yaml y = ML_YAML_INIT;
	ml_yaml_set_str(&y, "artifact_uri", art);
	ml_yaml_set_null(&y, "deleted_time");
	ml_yaml_set_null(&y, "end_time");
	ml_yaml_set_str(&y, "entry_point_name", "");
	ml_yaml_set_str(&y, "experiment_id", eid);
	ml_yaml_set_str(&y, "lifecycle_stage", "active");
	ml_yaml_set_str(&y, "run_id", id);
	ml_yaml_set_str(&y, "run_name", name);
	ml_yaml_set_str(&y, "run_uuid", id);
	ml_yaml_set_str(&y, "source_name", "");
	ml_yaml_set_int(&y, "source_type", 4);
	ml_yaml_set_str(&y, "source_version", "");
	ml_yaml_set_int(&y, "start_time", start_ms >= 0 ? start_ms : mlt_now_ms());
	ml_yaml_set_int(&y, "status", MLT_RUNNING);
	ml_yaml_set_list(&y, "tags", 0, NULL);
	ml_yaml_set_str(&y, "user_id", who);
	char *meta = xasprintf("%s/%s", dir, META);
	rc = ml_yaml_write_file(meta, &y, err);
	free(meta);
	ml_yaml_free(&y);
	free(art);
	static const char *const subdirs[] = {"metrics", "params", "artifacts"};
	for (int i = 0; i < 3 && rc == 0; i++) {
		char *sd = xasprintf("%s/%s", dir, subdirs[i]);
		rc = mlt_mkdirs(sd, err);
		free(sd);
	}
	if (rc == 0)
		rc = set_tag_file(dir, "mlflow.runName", name, err);
	if (rc == 0)
		rc = set_tag_file(dir, "mlflow.user", who, err);
	if (rc == 0)
		rc = set_tag_file(dir, "mlflow.source.name", source_name ? source_name : "wb", err);
	if (rc == 0)
		rc = set_tag_file(dir, "mlflow.source.type", "LOCAL", err);
	if (rc == 0) {
		*run_id_out = xstrdup(id);
	} else {
		/* no half-made run is left behind */
		struct wb_error ignore = WB_ERROR_INIT;
		mlt_remove_tree(dir, &ignore);
		err_clear(&ignore);
	}
out:
	free(dir);
	free(name);
	free(who);
	mlt_experiment_clear(&exp);
	return rc;
}

int
mlt_log_param(struct mlt_store *s, const char *run_id, const char *key, const char *value, struct wb_error *err)
{
	if (value == NULL)
		value = "";  /* MLflow writes None as an empty file */
	if (mlt_check_key("param", key, err) < 0 || check_text("the param value", value, err) < 0)
		return -1;
	struct run_ref r;
	int rc = open_run(s, run_id, true, &r, err);
	if (rc == 0)
		rc = write_value_file(r.dir, "params", key, value, true, err);
	if (rc == 1) {
		/* it exists: the same value is fine, another is not */
		char *path = xasprintf("%s/params/%s", r.dir, key);
		size_t len;
		char *old = ml_yaml_file_read(path, &len, NULL, err);
		if (old == NULL) {
			rc = -1;
		} else if (len == strlen(value) && memcmp(old, value, len) == 0) {
			rc = 0;
		} else {
			err_set(err, -1, "param '%s' of run '%s' was already logged with value '%s'; it cannot change to '%s'",
			    key, run_id, old, value);
			err_hint(err, "params are immutable in MLflow: log the new value under another key or in a new run");
			rc = -1;
		}
		free(old);
		free(path);
	}
	run_ref_free(&r);
	return rc;
}

static int
append_line(const char *path, const char *line, struct wb_error *err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_set(err, -1, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	size_t len = strlen(line);
	ssize_t k;
	do
		k = write(fd, line, len);   /* one write: concurrent appenders never interleave a line */
	while (k < 0 && errno == EINTR);
	int rc = 0;
	if (k != (ssize_t)len) {
		err_set(err, -1, "cannot append to %s: %s", path, k < 0 ? strerror(errno) : "short write");
		rc = -1;
	}
	if (close(fd) < 0 && rc == 0) {
		err_set(err, -1, "cannot append to %s: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

int
mlt_log_metric(struct mlt_store *s, const char *run_id, const char *key, double value, int64_t step, int64_t ts_ms,
    struct wb_error *err)
{
	if (mlt_check_key("metric", key, err) < 0)
		return -1;
	struct run_ref r;
	int rc = open_run(s, run_id, true, &r, err);
	if (rc == 0) {
		char *path = xasprintf("%s/metrics/%s", r.dir, key);
		char *parent = xstrdup(path);
		*strrchr(parent, '/') = '\0';
		char num[40];
		mlt_format_float(value, num);
		char *line = xasprintf("%lld %s %lld\n", (long long)(ts_ms >= 0 ? ts_ms : mlt_now_ms()), num,
		    (long long)step);
		rc = mlt_mkdirs(parent, err);
		if (rc == 0)
			rc = append_line(path, line, err);
		free(line);
		free(parent);
		free(path);
	}
	run_ref_free(&r);
	return rc;
}

/* Rewrite a run's meta.yaml after a change, as MLflow's
 * _overwrite_run_info does: deleted_time is kept only when given. */
static int
rewrite_run_meta(struct run_ref *r, int64_t deleted_time, struct wb_error *err)
{
	if (deleted_time >= 0)
		ml_yaml_set_int(&r->meta, "deleted_time", deleted_time);
	else
		ml_yaml_unset(&r->meta, "deleted_time");
	return ml_yaml_write_file(r->meta_path, &r->meta, err);
}

int
mlt_set_tag(struct mlt_store *s, const char *run_id, const char *key, const char *value, struct wb_error *err)
{
	if (value == NULL)
		value = "";
	if (mlt_check_key("tag", key, err) < 0 || check_text("the tag value", value, err) < 0)
		return -1;
	struct run_ref r;
	int rc = open_run(s, run_id, true, &r, err);
	if (rc == 0)
		rc = set_tag_file(r.dir, key, value, err);
	if (rc == 0 && strcmp(key, "mlflow.runName") == 0 && value[0]) {
		ml_yaml_set_str(&r.meta, "run_name", value);
		rc = rewrite_run_meta(&r, -1, err);
	}
	run_ref_free(&r);
	return rc;
}

char *
mlt_artifacts_dir(struct mlt_store *s, const char *run_id, struct wb_error *err)
{
	struct run_ref r;
	char *path = NULL;
	if (open_run(s, run_id, false, &r, err) == 0) {
		const char *uri = ml_yaml_text(&r.meta, "artifact_uri");
		path = uri ? mlt_uri_to_path(uri) : xasprintf("%s/artifacts", r.dir);
		if (path == NULL) {
			err_set(err, -1, "run '%s' keeps its artifacts at %s, which is not a local directory", run_id, uri);
			err_hint(err, "use MLflow to reach that artifact store");
		} else if (mlt_mkdirs(path, err) < 0) {
			free(path);
			path = NULL;
		}
	}
	run_ref_free(&r);
	return path;
}

const char *
mlt_status_name(int status)
{
	static const char *const names[] = {NULL, "RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"};
	return status >= 1 && status <= 5 ? names[status] : NULL;
}

int
mlt_run_end(struct mlt_store *s, const char *run_id, enum mlt_status status, int64_t end_ms, struct wb_error *err)
{
	if (status != MLT_FINISHED && status != MLT_FAILED && status != MLT_KILLED) {
		err_set(err, -1, "a run ends as FINISHED, FAILED or KILLED, not %s",
		    mlt_status_name((int)status) ? mlt_status_name((int)status) : "an unknown status");
		return -1;
	}
	struct run_ref r;
	int rc = open_run(s, run_id, true, &r, err);
	if (rc == 0) {
		ml_yaml_set_int(&r.meta, "status", status);
		ml_yaml_set_int(&r.meta, "end_time", end_ms >= 0 ? end_ms : mlt_now_ms());
		rc = rewrite_run_meta(&r, -1, err);
	}
	run_ref_free(&r);
	return rc;
}

int
mlt_run_delete(struct mlt_store *s, const char *run_id, struct wb_error *err)
{
	char *dir, *exp;
	int f = find_run(s, run_id, &dir, &exp, err);
	if (f <= 0)
		return f < 0 ? -1 : no_such_run(s, run_id, err);
	/* Artifacts kept elsewhere on this machine go too, but only from a
	 * directory that is plainly this run's (".../<run_id>/artifacts"). */
	char *meta = xasprintf("%s/%s", dir, META);
	struct ml_yaml y;
	struct wb_error ignore = WB_ERROR_INIT;
	char *art = NULL;
	if (ml_yaml_read_file(meta, &y, &ignore) == 0 && ml_yaml_text(&y, "artifact_uri"))
		art = mlt_uri_to_path(ml_yaml_text(&y, "artifact_uri"));
	ml_yaml_free(&y);
	err_clear(&ignore);
	int rc = 0;
	char *mine = xasprintf("/%s/artifacts", run_id);
	size_t al = art ? strlen(art) : 0, ml = strlen(mine);
	if (art && al > ml && strcmp(art + al - ml, mine) == 0 && strncmp(art, dir, strlen(dir)) != 0)
		rc = mlt_remove_tree(art, err);
	if (rc == 0)
		rc = mlt_remove_tree(dir, err);
	if (rc < 0)
		err_hint(err, "the run may be partly removed; remove %s by hand", dir);
	cache_clear(s);
	free(mine);
	free(art);
	free(meta);
	free(dir);
	free(exp);
	return rc;
}

/* ------------------------------------------------------------ runs: reading */

void
mlt_metrics_free(struct mlt_metric *m, int n)
{
	for (int i = 0; i < n; i++)
		free(m[i].key);
	free(m);
}

static void
kv_free(struct mlt_kv *kv, int n)
{
	for (int i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void
mlt_run_clear(struct mlt_run *r)
{
	free(r->run_id);
	free(r->run_name);
	free(r->experiment_id);
	free(r->experiment_name);
	free(r->lifecycle_stage);
	free(r->user_id);
	free(r->artifact_uri);
	kv_free(r->params, r->nparams);
	kv_free(r->tags, r->ntags);
	mlt_metrics_free(r->metrics, r->nmetrics);
	memset(r, 0, sizeof *r);
}

void
mlt_runs_free(struct mlt_run *r, int n)
{
	for (int i = 0; i < n; i++)
		mlt_run_clear(&r[i]);
	free(r);
}

/* Relative paths of every file under base/rel, recursively (keys with
 * '/' are sub-directories). */
static void
walk_files(const char *base, const char *rel, char ***v, int *n, size_t *cap)
{
	char *dir = rel[0] ? xasprintf("%s/%s", base, rel) : xstrdup(base);
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char *r = rel[0] ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
			char *full = xasprintf("%s/%s", base, r);
			struct stat st;
			if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
				walk_files(base, r, v, n, cap);
				free(r);
			} else {
				*v = xgrow(*v, cap, (size_t)*n + 1, sizeof **v);
				(*v)[(*n)++] = r;
			}
			free(full);
		}
		closedir(d);
	}
	free(dir);
}

static char **
list_keys(const char *base, int *n)
{
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	walk_files(base, "", &v, n, &cap);
	if (*n > 1)
		qsort(v, (size_t)*n, sizeof *v, cmp_str);
	return v;
}

/* key -> whole file content, for params/ and tags/. */
static int
read_kv_folder(const char *rundir, const char *folder, struct mlt_kv **out, int *nout, struct wb_error *err)
{
	char *base = xasprintf("%s/%s", rundir, folder);
	int n;
	char **keys = list_keys(base, &n);
	*out = n ? xcalloc((size_t)n, sizeof **out) : NULL;
	*nout = 0;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		char *path = xasprintf("%s/%s", base, keys[i]);
		char *val = ml_yaml_file_read(path, NULL, NULL, err);
		if (val == NULL) {
			rc = -1;
		} else if (!valid_utf8(val)) {
			err_set(err, -1, "%s is not valid UTF-8", path);
			err_hint(err, "MLflow writes UTF-8; repair or remove the file");
			free(val);
			rc = -1;
		} else {
			(*out)[*nout].key = keys[i];
			(*out)[(*nout)++].value = val;
			keys[i] = NULL;
		}
		free(path);
	}
	mlt_strv_free(keys, n);
	free(base);
	return rc;
}

/* Python's int(): optional sign, digits (underscores between digits). */
static bool
parse_pyint(const char *s, int64_t *out)
{
	char buf[32];
	size_t k = 0;
	const char *p = s;
	if (*p == '+' || *p == '-')
		buf[k++] = *p++;
	if (!(*p >= '0' && *p <= '9'))
		return false;
	for (; *p; p++) {
		if (*p == '_' && p[1] >= '0' && p[1] <= '9' && p[-1] >= '0' && p[-1] <= '9')
			continue;
		if (!(*p >= '0' && *p <= '9') || k >= sizeof buf - 1)
			return false;
		buf[k++] = *p;
	}
	buf[k] = '\0';
	errno = 0;
	char *e;
	long long v = strtoll(buf, &e, 10);
	if (errno == ERANGE || *e)
		return false;
	*out = v;
	return true;
}

/* Python's float() for what MLflow writes: decimal numbers, nan, inf. */
static bool
parse_pyfloat(const char *s, double *out)
{
	if (*s == '\0' || strpbrk(s, "xXpP("))
		return false;
	char *e;
	*out = strtod(s, &e);
	return *e == '\0';
}

/* The lines of one metric file, in order. 2 fields (legacy) mean step 0. */
static int
read_metric_file(const char *path, struct mlt_metric **out, int *nout, struct wb_error *err)
{
	size_t len;
	char *text = ml_yaml_file_read(path, &len, NULL, err);
	*out = NULL;
	*nout = 0;
	if (text == NULL)
		return -1;
	size_t cap = 0;
	int rc = 0, lineno = 0;
	for (char *p = text; rc == 0 && p < text + len;) {
		char *nl = memchr(p, '\n', (size_t)(text + len - p));
		char *end = nl ? nl : text + len;
		lineno++;
		/* strip() the line, then split(" ") */
		char *a = p, *b = end;
		while (a < b && strchr(" \t\r\f\v", *a))
			a++;
		while (b > a && strchr(" \t\r\f\v", b[-1]))
			b--;
		char *line = xstrndup(a, (size_t)(b - a));
		char *f[4] = {0};
		int nf = 0;
		for (char *q = line;; q++) {
			if (nf < 4)
				f[nf] = q;
			nf++;
			q = strchr(q, ' ');
			if (q == NULL)
				break;
			*q = '\0';
		}
		struct mlt_metric m = {0};
		if ((nf != 2 && nf != 3) || !parse_pyint(f[0], &m.timestamp) || !parse_pyfloat(f[1], &m.value) ||
		    (nf == 3 && !parse_pyint(f[2], &m.step))) {
			err_set(err, -1, "%s:%d: expected '<timestamp_ms> <value> <step>', found '%.*s'", path, lineno,
			    (int)(end - p), p);
			err_hint(err, "MLflow writes one such line per logged value; repair or remove the line");
			rc = -1;
		} else {
			*out = xgrow(*out, &cap, (size_t)*nout + 1, sizeof **out);
			(*out)[(*nout)++] = m;
		}
		free(line);
		p = nl ? nl + 1 : end;
	}
	if (rc == 0 && *nout == 0) {
		err_set(err, -1, "metric file %s is empty", path);
		err_hint(err, "MLflow cannot read it either; remove the file");
		rc = -1;
	}
	free(text);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*nout = 0;
	}
	return rc;
}

/* MLflow's latest value: max by (step, timestamp, value), the first of
 * equals kept (Python's max). */
static bool
later(const struct mlt_metric *a, const struct mlt_metric *b)
{
	if (a->step != b->step)
		return a->step > b->step;
	if (a->timestamp != b->timestamp)
		return a->timestamp > b->timestamp;
	return a->value > b->value;
}

static int
read_metrics(const char *rundir, struct mlt_metric **out, int *nout, struct wb_error *err)
{
	char *base = xasprintf("%s/metrics", rundir);
	int n;
	char **keys = list_keys(base, &n);
	*out = n ? xcalloc((size_t)n, sizeof **out) : NULL;
	*nout = 0;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		char *path = xasprintf("%s/%s", base, keys[i]);
		struct mlt_metric *h;
		int nh;
		rc = read_metric_file(path, &h, &nh, err);
		if (rc == 0) {
			int best = 0;
			for (int j = 1; j < nh; j++)
				if (later(&h[j], &h[best]))
					best = j;
			(*out)[*nout] = h[best];
			(*out)[(*nout)++].key = keys[i];
			keys[i] = NULL;
			free(h);
		}
		free(path);
	}
	mlt_strv_free(keys, n);
	free(base);
	return rc;
}

static const char *
kv_find(const struct mlt_kv *kv, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

/* A whole run from its directory. exp_name may be NULL (then "").
 * Errors name the damaged file. */
static int
read_run(const char *rundir, const char *exp_id, const char *exp_name, struct mlt_run *out, struct wb_error *err)
{
	memset(out, 0, sizeof *out);
	char *path = xasprintf("%s/%s", rundir, META);
	struct ml_yaml y;
	int rc = ml_yaml_read_file(path, &y, err);
	if (rc == 0) {
		const char *rid = ml_yaml_text(&y, "run_id");
		const char *eid = ml_yaml_text(&y, "experiment_id");
		const struct ml_yaml_val *st = ml_yaml_get(&y, "status");
		int64_t status = MLT_RUNNING;
		if (rid == NULL)
			rid = ml_yaml_text(&y, "run_uuid");
		if (rid == NULL)
			rid = strrchr(rundir, '/') + 1;
		if (st && st->kind == ML_YAML_STR) {
			status = 0;
			for (int k = 1; k <= 5; k++)
				if (strcmp(st->s, mlt_status_name(k)) == 0)
					status = k;
		} else if (st && st->kind == ML_YAML_INT) {
			status = st->i;
		}
		if (eid && strcmp(eid, exp_id) != 0) {
			err_set(err, -1, "%s says experiment_id '%s' but lies in experiment '%s'", path, eid, exp_id);
			err_hint(err, "MLflow ignores such a run too; fix experiment_id or move the run");
			rc = -1;
		} else if (mlt_status_name((int)status) == NULL || (st && st->kind != ML_YAML_INT &&
		    st->kind != ML_YAML_STR && st->kind != ML_YAML_NULL)) {
			err_set(err, -1, "%s has an unknown status", path);
			err_hint(err, "status is 1 (RUNNING), 2 (SCHEDULED), 3 (FINISHED), 4 (FAILED) or 5 (KILLED)");
			rc = -1;
		} else {
			const char *t;
			out->run_id = xstrdup(rid);
			out->experiment_id = xstrdup(exp_id);
			out->experiment_name = xstrdup(exp_name ? exp_name : "");
			out->status = mlt_status_name((int)status);
			out->start_time = yaml_time(&y, "start_time");
			out->end_time = yaml_time(&y, "end_time");
			out->lifecycle_stage = xstrdup((t = ml_yaml_text(&y, "lifecycle_stage")) ? t : "active");
			out->user_id = xstrdup((t = ml_yaml_text(&y, "user_id")) ? t : "");
			out->artifact_uri = xstrdup((t = ml_yaml_text(&y, "artifact_uri")) ? t : "");
			t = ml_yaml_text(&y, "run_name");
			out->run_name = t && t[0] ? xstrdup(t) : NULL;
			rc = read_kv_folder(rundir, "params", &out->params, &out->nparams, err);
			if (rc == 0)
				rc = read_kv_folder(rundir, "tags", &out->tags, &out->ntags, err);
			if (rc == 0)
				rc = read_metrics(rundir, &out->metrics, &out->nmetrics, err);
			if (out->run_name == NULL) {
				/* older runs keep the name only in the tag, as MLflow reads it */
				t = kv_find(out->tags, out->ntags, "mlflow.runName");
				out->run_name = xstrdup(t ? t : "");
			}
		}
	}
	ml_yaml_free(&y);
	free(path);
	if (rc < 0)
		mlt_run_clear(out);
	return rc;
}

int
mlt_run_get(struct mlt_store *s, const char *run_id, struct mlt_run *out, struct wb_error *err)
{
	memset(out, 0, sizeof *out);
	char *dir, *exp;
	int f = find_run(s, run_id, &dir, &exp, err);
	if (f <= 0)
		return f;
	struct mlt_experiment e;
	struct wb_error eerr = WB_ERROR_INIT;
	int found = mlt_experiment_get(s, exp, &e, &eerr);
	if (found < 0)
		wb_notice("the experiment of run %s cannot be read: %s", run_id, eerr.msg);
	err_clear(&eerr);
	int rc = read_run(dir, exp, found > 0 ? e.name : NULL, out, err);
	mlt_experiment_clear(&e);
	free(dir);
	free(exp);
	return rc < 0 ? -1 : 1;
}

static bool
in_view(enum mlt_view view, const char *stage)
{
	bool deleted = strcmp(stage, "deleted") == 0;
	return view == MLT_ALL || (view == MLT_DELETED) == deleted;
}

/* The runs of one experiment (directory dir) into *v, damaged ones
 * skipped with a notice. */
static void
collect_runs(const char *dir, const struct mlt_experiment *e, enum mlt_view view, struct mlt_run **v, int *n,
    size_t *cap)
{
	int nd;
	char **names = mlt_subdirs(dir, &nd);
	for (int i = 0; i < nd; i++) {
		if (reserved_exp_entry(names[i]))
			continue;
		char *rundir = xasprintf("%s/%s", dir, names[i]);
		struct mlt_run r;
		struct wb_error err = WB_ERROR_INIT;
		if (read_run(rundir, e->experiment_id, e->name, &r, &err) == 0) {
			if (in_view(view, r.lifecycle_stage)) {
				*v = xgrow(*v, cap, (size_t)*n + 1, sizeof **v);
				(*v)[(*n)++] = r;
			} else {
				mlt_run_clear(&r);
			}
		} else {
			wb_notice("skipping run directory %s: %s", rundir, err.msg);
		}
		err_clear(&err);
		free(rundir);
	}
	mlt_strv_free(names, nd);
}

static int
cmp_runs(const void *a, const void *b)
{
	const struct mlt_run *x = a, *y = b;
	if (x->start_time != y->start_time)
		return x->start_time > y->start_time ? -1 : 1;
	return strcmp(x->run_id, y->run_id);
}

int
mlt_runs(struct mlt_store *s, const char *experiment_id, enum mlt_view view, struct mlt_run **out, int *n,
    struct wb_error *err)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	struct mlt_experiment *exps = NULL;
	int nexp = 0;
	if (experiment_id) {
		exps = xcalloc(1, sizeof *exps);
		int f = mlt_experiment_get(s, experiment_id, exps, err);
		if (f <= 0) {
			if (f == 0) {
				err_set(err, -1, "no experiment with id '%s' in %s", experiment_id, s->root);
				err_hint(err, "list the experiments to see their ids");
			}
			mlt_experiments_free(exps, 1);
			return -1;
		}
		nexp = 1;
	} else if (mlt_experiments(s, view == MLT_ACTIVE ? MLT_ACTIVE : MLT_ALL, &exps, &nexp, err) < 0) {
		return -1;
	}
	for (int i = 0; i < nexp; i++) {
		char *dir = experiment_dir(s, exps[i].experiment_id, NULL);
		if (dir)
			collect_runs(dir, &exps[i], view, out, n, &cap);
		free(dir);
	}
	mlt_experiments_free(exps, nexp);
	if (*n > 1)
		qsort(*out, (size_t)*n, sizeof **out, cmp_runs);
	return 0;
}

int
mlt_metric_history(struct mlt_store *s, const char *run_id, const char *key, struct mlt_metric **out, int *n,
    struct wb_error *err)
{
	*out = NULL;
	*n = 0;
	if (mlt_check_key("metric", key, err) < 0)
		return -1;
	char *dir, *exp;
	int f = find_run(s, run_id, &dir, &exp, err);
	if (f <= 0)
		return f < 0 ? -1 : no_such_run(s, run_id, err);
	char *path = xasprintf("%s/metrics/%s", dir, key);
	int rc = 0;
	struct stat st;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))   /* never logged: no history, as MLflow */
		rc = read_metric_file(path, out, n, err);
	free(path);
	free(dir);
	free(exp);
	return rc;
}

int
mlt_experiment_delete(struct mlt_store *s, const char *id, struct wb_error *err)
{
	if (check_id("experiment", id, 63, err) < 0)
		return -1;
	if (strcmp(id, DEFAULT_EXP) == 0) {
		err_set(err, -1, "the Default experiment '0' cannot be deleted");
		err_hint(err, "MLflow reserves it; delete its runs instead");
		return -1;
	}
	char *dir = xasprintf("%s/%s", s->root, id);
	char *dest = xasprintf("%s/.trash/%s", s->root, id);
	struct mlt_experiment e = {0};
	int rc = -1;
	if (!is_dir(dir)) {
		err_set(err, -1, "no active experiment with id '%s' in %s", id, s->root);
		err_hint(err, "list the experiments to see their ids");
	} else if (exists(dest)) {
		err_set(err, -1, "%s already exists", dest);
		err_hint(err, "remove the deleted experiment from .trash first");
	} else if (read_experiment(s, dir, id, &e, err) == 0 && mlt_ensure_root(s, err) == 0) {
		int64_t now = mlt_now_ms();
		rc = 0;
		/* mark its active runs deleted, then the experiment, then move it */
		int nd;
		char **names = mlt_subdirs(dir, &nd);
		for (int i = 0; i < nd && rc == 0; i++) {
			if (reserved_exp_entry(names[i]))
				continue;
			struct run_ref r = {0};
			r.meta_path = xasprintf("%s/%s/%s", dir, names[i], META);
			struct wb_error ignore = WB_ERROR_INIT;
			if (ml_yaml_read_file(r.meta_path, &r.meta, &ignore) == 0) {
				const char *stage = ml_yaml_text(&r.meta, "lifecycle_stage");
				if (stage == NULL || strcmp(stage, "active") == 0) {
					ml_yaml_set_str(&r.meta, "lifecycle_stage", "deleted");
					rc = rewrite_run_meta(&r, now, err);
				}
			}
			err_clear(&ignore);
			run_ref_free(&r);
		}
		mlt_strv_free(names, nd);
		free(e.lifecycle_stage);
		e.lifecycle_stage = xstrdup("deleted");
		e.last_update_time = now;
		if (rc == 0)
			rc = write_experiment_meta(dir, &e, err);
		if (rc == 0 && rename(dir, dest) < 0) {
			err_set(err, -1, "cannot move %s to %s: %s", dir, dest, strerror(errno));
			rc = -1;
		}
		cache_clear(s);
	}
	mlt_experiment_clear(&e);
	free(dir);
	free(dest);
	return rc;
}
