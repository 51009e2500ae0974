/*
 * ml_registry: the model registry of MLflow's file store, under
 * <root>/models (see ml_track.h).
 *
 *   models/<name>/meta.yaml            aliases, creation_timestamp, description,
 *                                      last_updated_timestamp, name
 *   models/<name>/aliases/<alias>      the version number as text
 *   models/<name>/version-<N>/meta.yaml
 *
 * As in MLflow's registry FileStore: a new version is max existing + 1
 * (deleted versions count, so numbers are never reused); every change
 * rewrites the model's meta.yaml with a new last_updated_timestamp and
 * its aliases as the alias files say ({champion: '1'}); a deleted version
 * stays on disk in the "Deleted_Internal" stage and is hidden. Version
 * numbers are claimed with mkdir, so two processes registering at once
 * get different numbers.
 */
#include "ml/ml_track.h"
#include "ml/ml_yaml.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define META "meta.yaml"
#define STAGE_DELETED "Deleted_Internal"

static bool
is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
check_model_name(const char *name, struct wb_error *err)
{
	const char *why = NULL;
	if (name == NULL || name[0] == '\0')
		why = "it is empty";
	else if (strchr(name, '/') || strchr(name, '\\'))
		why = "it contains a path separator";
	else if (strchr(name, '%'))
		why = "it contains '%'";
	else if (strstr(name, "..") || strcmp(name, ".") == 0)
		why = "it contains '..' or is '.'";
	for (const unsigned char *p = (const unsigned char *)name; why == NULL && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			why = "it contains a control character";
	if (why) {
		err_set(err, -1, "invalid registered model name '%s': %s", name ? name : "", why);
		err_hint(err, "a model name is one directory under models/: e.g. 'churn_classifier'");
		return -1;
	}
	return 0;
}

/* MLflow's alias rule ([\w-], not "latest", not "v<digits>", which name
 * versions); ASCII only, and short enough to be a simple YAML key in the
 * model's meta.yaml. */
static int
check_alias(const char *alias, struct wb_error *err)
{
	const char *why = NULL;
	size_t n = alias ? strlen(alias) : 0;
	if (n == 0)
		why = "it is empty";
	else if (n > 127)
		why = "it is longer than 127 characters";
	else if (strcasecmp(alias, "latest") == 0)
		why = "'latest' is reserved for the newest version";
	else if ((alias[0] == 'v' || alias[0] == 'V') && n > 1 && strspn(alias + 1, "0123456789") == n - 1)
		why = "v<number> is reserved for version numbers";
	for (const char *p = alias; why == NULL && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		    *p == '-'))
			why = "it may only hold letters, digits, '_' and '-'";
	if (why) {
		err_set(err, -1, "invalid alias '%s': %s", alias ? alias : "", why);
		err_hint(err, "e.g. 'champion' or 'prod'");
		return -1;
	}
	return 0;
}

static char *
model_dir(struct mlt_store *s, const char *name)
{
	return xasprintf("%s/models/%s", mlt_root(s), name);
}

/* The model's directory when it exists; else NULL with an error. */
static char *
existing_model(struct mlt_store *s, const char *name, struct wb_error *err)
{
	if (check_model_name(name, err) < 0)
		return NULL;
	char *dir = model_dir(s, name);
	if (!is_dir(dir)) {
		err_set(err, -1, "no registered model '%s' in %s/models", name, mlt_root(s));
		err_hint(err, "list the registered models to see their names");
		free(dir);
		return NULL;
	}
	return dir;
}

/* alias -> version text, from <dir>/aliases (sorted by alias). */
static void
read_aliases(const char *dir, struct mlt_kv **out, int *n)
{
	char *adir = xasprintf("%s/aliases", dir);
	int nd = 0;
	*out = NULL;
	*n = 0;
	/* aliases are plain files; mlt_subdirs lists directories, so list by hand */
	char **names = NULL;
	size_t cap = 0;
	struct stat st;
	if (is_dir(adir)) {
		DIR *d = opendir(adir);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			char *p = xasprintf("%s/%s", adir, e->d_name);
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
				names = xgrow(names, &cap, (size_t)nd + 1, sizeof *names);
				names[nd++] = xstrdup(e->d_name);
			}
			free(p);
		}
		if (d)
			closedir(d);
	}
	if (nd > 0) {
		*out = xcalloc((size_t)nd, sizeof **out);
		for (int i = 0; i < nd; i++)
			for (int j = i + 1; j < nd; j++)
				if (strcmp(names[j], names[i]) < 0) {
					char *t = names[i];
					names[i] = names[j];
					names[j] = t;
				}
		for (int i = 0; i < nd; i++) {
			char *p = xasprintf("%s/%s", adir, names[i]);
			struct wb_error ignore = WB_ERROR_INIT;
			char *v = ml_yaml_file_read(p, NULL, NULL, &ignore);
			err_clear(&ignore);
			if (v) {
				(*out)[*n].key = names[i];
				(*out)[(*n)++].value = v;
				names[i] = NULL;
			}
			free(p);
		}
	}
	mlt_strv_free(names, nd);
	free(adir);
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

/* Rewrite the model's meta.yaml as MLflow's
 * _update_registered_model_last_updated_time does: what it holds, with
 * the aliases the alias files give and a new last_updated_timestamp. */
static int
touch_model(const char *dir, int64_t now, struct wb_error *err)
{
	char *path = xasprintf("%s/%s", dir, META);
	struct ml_yaml y;
	int rc = ml_yaml_read_file(path, &y, err);
	if (rc == 0) {
		struct mlt_kv *al;
		int na;
		read_aliases(dir, &al, &na);
		char **k = xcalloc((size_t)na + 1, sizeof *k), **v = xcalloc((size_t)na + 1, sizeof *v);
		for (int i = 0; i < na; i++) {
			k[i] = al[i].key;
			v[i] = al[i].value;
		}
		ml_yaml_set_map(&y, "aliases", na, k, v);
		ml_yaml_set_int(&y, "last_updated_timestamp", now);
		rc = ml_yaml_write_file(path, &y, err);
		free(k);
		free(v);
		kv_free(al, na);
	}
	ml_yaml_free(&y);
	free(path);
	return rc;
}

void
mlt_model_version_clear(struct mlt_model_version *v)
{
	free(v->name);
	free(v->current_stage);
	free(v->description);
	free(v->run_id);
	free(v->source);
	free(v->status);
	free(v->user_id);
	mlt_strv_free(v->aliases, v->naliases);
	memset(v, 0, sizeof *v);
}

void
mlt_model_versions_free(struct mlt_model_version *v, int n)
{
	for (int i = 0; i < n; i++)
		mlt_model_version_clear(&v[i]);
	free(v);
}

static char *
text_or(const struct ml_yaml *y, const char *key, const char *def)
{
	const char *t = ml_yaml_text(y, key);
	return t ? xstrdup(t) : def ? xstrdup(def) : NULL;
}

/* version-<N>/meta.yaml of the model in dir, with the aliases pointing at
 * it. Errors name the file. */
static int
read_version(const char *dir, int version, struct mlt_model_version *out, struct wb_error *err)
{
	memset(out, 0, sizeof *out);
	char *path = xasprintf("%s/version-%d/%s", dir, version, META);
	struct ml_yaml y;
	int rc = ml_yaml_read_file(path, &y, err);
	if (rc == 0) {
		const char *name = ml_yaml_text(&y, "name");
		int64_t v;
		if (name == NULL || !ml_yaml_int(&y, "version", &v) || v != version) {
			err_set(err, -1, "%s does not describe version %d (name or version missing or different)", path,
			    version);
			err_hint(err, "repair the file, or remove the version directory");
			rc = -1;
		} else {
			out->name = xstrdup(name);
			out->version = version;
			out->creation_timestamp = ml_yaml_int(&y, "creation_timestamp", &v) ? v : -1;
			out->last_updated_timestamp = ml_yaml_int(&y, "last_updated_timestamp", &v) ? v : -1;
			out->current_stage = text_or(&y, "current_stage", "None");
			out->description = text_or(&y, "description", "");
			out->run_id = text_or(&y, "run_id", NULL);
			out->source = text_or(&y, "source", "");
			out->status = text_or(&y, "status", "READY");
			out->user_id = text_or(&y, "user_id", NULL);
			struct mlt_kv *al;
			int na;
			read_aliases(dir, &al, &na);
			char vs[16];
			snprintf(vs, sizeof vs, "%d", version);
			out->aliases = xcalloc((size_t)na + 1, sizeof *out->aliases);
			for (int i = 0; i < na; i++)
				if (strcmp(al[i].value, vs) == 0)
					out->aliases[out->naliases++] = xstrdup(al[i].key);
			kv_free(al, na);
		}
	}
	ml_yaml_free(&y);
	free(path);
	if (rc < 0)
		mlt_model_version_clear(out);
	return rc;
}

/* The numbers of the version-<N> directories of the model in dir,
 * ascending (deleted ones too). */
static int *
version_numbers(const char *dir, int *n)
{
	int nd;
	char **names = mlt_subdirs(dir, &nd);
	int *v = xmalloc((size_t)(nd + 1) * sizeof *v);
	*n = 0;
	for (int i = 0; i < nd; i++) {
		if (strncmp(names[i], "version-", 8) != 0)
			continue;
		char *e;
		long k = strtol(names[i] + 8, &e, 10);
		if (*e == '\0' && k > 0 && k < INT_MAX && names[i][8] != '0')
			v[(*n)++] = (int)k;
	}
	mlt_strv_free(names, nd);
	for (int i = 1; i < *n; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			int t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

/* A live (not deleted) version: 0, or -1 with "no version" / the file's
 * damage. */
static int
fetch_version(struct mlt_store *s, const char *dir, const char *name, int version, struct mlt_model_version *out,
    struct wb_error *err)
{
	char *vdir = xasprintf("%s/version-%d", dir, version);
	bool there = version > 0 && is_dir(vdir);
	free(vdir);
	if (there && read_version(dir, version, out, err) < 0)
		return -1;
	if (!there || strcmp(out->current_stage, STAGE_DELETED) == 0) {
		if (there)
			mlt_model_version_clear(out);
		err_set(err, -1, "registered model '%s' has no version %d", name, version);
		err_hint(err, "list the versions of the model (in %s/models)", mlt_root(s));
		return -1;
	}
	return 0;
}

static int
write_new_model(const char *dir, const char *name, int64_t now, struct wb_error *err)
{
	struct ml_yaml y = ML_YAML_INIT;
	ml_yaml_set_empty_map(&y, "aliases");
	ml_yaml_set_int(&y, "creation_timestamp", now);
	ml_yaml_set_str(&y, "description", "");
	ml_yaml_set_int(&y, "last_updated_timestamp", now);
	ml_yaml_set_str(&y, "name", name);
	char *path = xasprintf("%s/%s", dir, META);
	int rc = ml_yaml_write_file(path, &y, err);
	free(path);
	ml_yaml_free(&y);
	return rc;
}

int
mlt_model_register(struct mlt_store *s, const char *name, const char *run_id, const char *source, int *version_out,
    struct wb_error *err)
{
	*version_out = 0;
	if (check_model_name(name, err) < 0)
		return -1;
	if (source == NULL || source[0] == '\0') {
		err_set(err, -1, "registering a version of '%s' needs the source URI of the model's artifacts", name);
		err_hint(err, "e.g. file:///.../mlruns/<experiment>/<run>/artifacts/model");
		return -1;
	}
	if (run_id) {
		struct mlt_run r;
		int f = mlt_run_get(s, run_id, &r, err);
		mlt_run_clear(&r);
		if (f <= 0) {
			if (f == 0) {
				err_set(err, -1, "no run '%s' to register a model from", run_id);
				err_hint(err, "list the runs to see their ids");
			}
			return -1;
		}
	}
	if (mlt_ensure_root(s, err) < 0)
		return -1;
	char *dir = model_dir(s, name);
	int64_t now = mlt_now_ms();
	int rc = 0;
	if (!is_dir(dir)) {
		char *models = xasprintf("%s/models", mlt_root(s));
		rc = mlt_mkdirs(models, err);
		free(models);
		int made = rc == 0 ? mkdir(dir, 0777) : 0;
		if (rc == 0 && made < 0 && errno != EEXIST) {
			err_set(err, -1, "cannot create %s: %s", dir, strerror(errno));
			rc = -1;
		} else if (rc == 0 && made == 0) {
			/* first use: the model itself (a racing registration that
			 * lost the mkdir finds it made) */
			rc = write_new_model(dir, name, now, err);
			if (rc < 0)
				rmdir(dir);
		}
	}
	/* claim version-N with mkdir: a concurrent registration takes N + 1 */
	int version = 0;
	char *vdir = NULL;
	if (rc == 0) {
		int n;
		int *nums = version_numbers(dir, &n);
		version = n ? nums[n - 1] + 1 : 1;
		free(nums);
		for (;; version++) {
			free(vdir);
			vdir = xasprintf("%s/version-%d", dir, version);
			if (mkdir(vdir, 0777) == 0)
				break;
			if (errno != EEXIST) {
				err_set(err, -1, "cannot create %s: %s", vdir, strerror(errno));
				rc = -1;
				break;
			}
		}
	}
	if (rc == 0) {
		struct ml_yaml y = ML_YAML_INIT;
		ml_yaml_set_list(&y, "aliases", 0, NULL);
		ml_yaml_set_int(&y, "creation_timestamp", now);
		ml_yaml_set_str(&y, "current_stage", "None");
		ml_yaml_set_str(&y, "description", "");
		ml_yaml_set_int(&y, "last_updated_timestamp", now);
		ml_yaml_set_str(&y, "name", name);
		ml_yaml_set_str(&y, "run_id", run_id);
		ml_yaml_set_str(&y, "run_link", "");
		ml_yaml_set_str(&y, "source", source);
		ml_yaml_set_str(&y, "status", "READY");
		ml_yaml_set_null(&y, "status_message");
		ml_yaml_set_str(&y, "storage_location", source);
		ml_yaml_set_null(&y, "user_id");
		ml_yaml_set_int(&y, "version", version);
		char *path = xasprintf("%s/%s", vdir, META);
		rc = ml_yaml_write_file(path, &y, err);
		free(path);
		ml_yaml_free(&y);
		if (rc < 0)
			rmdir(vdir);
	}
	if (rc == 0)
		rc = touch_model(dir, now, err);
	if (rc == 0)
		*version_out = version;
	free(vdir);
	free(dir);
	return rc;
}

int
mlt_model_set_alias(struct mlt_store *s, const char *name, const char *alias, int version, struct wb_error *err)
{
	if (check_alias(alias, err) < 0)
		return -1;
	char *dir = existing_model(s, name, err);
	if (dir == NULL)
		return -1;
	struct mlt_model_version v;
	int rc = fetch_version(s, dir, name, version, &v, err);
	if (rc == 0) {
		mlt_model_version_clear(&v);
		char *adir = xasprintf("%s/aliases", dir);
		char *path = xasprintf("%s/%s", adir, alias);
		char num[16];
		snprintf(num, sizeof num, "%d", version);
		rc = mlt_mkdirs(adir, err);
		/* the temporary file goes in the model's directory, never among
		 * the aliases */
		if (rc == 0)
			rc = ml_yaml_file_write(path, dir, num, strlen(num), false, err);
		if (rc == 0)
			rc = touch_model(dir, mlt_now_ms(), err);
		free(path);
		free(adir);
	}
	free(dir);
	return rc;
}

int
mlt_model_delete_alias(struct mlt_store *s, const char *name, const char *alias, struct wb_error *err)
{
	if (check_alias(alias, err) < 0)
		return -1;
	char *dir = existing_model(s, name, err);
	if (dir == NULL)
		return -1;
	char *path = xasprintf("%s/aliases/%s", dir, alias);
	int rc = 0;
	if (unlink(path) < 0) {
		if (errno == ENOENT) {
			err_set(err, -1, "registered model '%s' has no alias '%s'", name, alias);
			err_hint(err, "list the model's versions to see its aliases");
		} else {
			err_set(err, -1, "cannot remove %s: %s", path, strerror(errno));
		}
		rc = -1;
	}
	if (rc == 0)
		rc = touch_model(dir, mlt_now_ms(), err);
	free(path);
	free(dir);
	return rc;
}

void
mlt_models_free(struct mlt_model *m, int n)
{
	for (int i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].description);
		kv_free(m[i].aliases, m[i].naliases);
	}
	free(m);
}

/* Live versions of the model in dir, ascending; damaged ones skipped with
 * a notice. */
static void
live_versions(const char *dir, struct mlt_model_version **out, int *nout)
{
	int n;
	int *nums = version_numbers(dir, &n);
	*out = xcalloc((size_t)n + 1, sizeof **out);
	*nout = 0;
	for (int i = 0; i < n; i++) {
		struct wb_error err = WB_ERROR_INIT;
		struct mlt_model_version v;
		if (read_version(dir, nums[i], &v, &err) < 0) {
			wb_notice("skipping model version %s/version-%d: %s", dir, nums[i], err.msg);
		} else if (strcmp(v.current_stage, STAGE_DELETED) == 0) {
			mlt_model_version_clear(&v);
		} else {
			(*out)[(*nout)++] = v;
		}
		err_clear(&err);
	}
	free(nums);
}

int
mlt_models(struct mlt_store *s, struct mlt_model **out, int *n, struct wb_error *err)
{
	(void)err;
	char *models = xasprintf("%s/models", mlt_root(s));
	int nd;
	char **names = mlt_subdirs(models, &nd);
	*out = xcalloc((size_t)nd + 1, sizeof **out);
	*n = 0;
	for (int i = 0; i < nd; i++) {
		char *dir = xasprintf("%s/%s", models, names[i]);
		char *path = xasprintf("%s/%s", dir, META);
		struct ml_yaml y;
		struct wb_error e = WB_ERROR_INIT;
		if (ml_yaml_read_file(path, &y, &e) < 0 || ml_yaml_text(&y, "name") == NULL) {
			wb_notice("skipping registered model %s: %s", dir, e.msg ? e.msg : "its meta.yaml has no name");
		} else {
			struct mlt_model *m = &(*out)[(*n)++];
			int64_t t;
			m->name = xstrdup(ml_yaml_text(&y, "name"));
			m->description = text_or(&y, "description", "");
			m->creation_timestamp = ml_yaml_int(&y, "creation_timestamp", &t) ? t : -1;
			m->last_updated_timestamp = ml_yaml_int(&y, "last_updated_timestamp", &t) ? t : -1;
			read_aliases(dir, &m->aliases, &m->naliases);
			struct mlt_model_version *v;
			int nv;
			live_versions(dir, &v, &nv);
			m->nversions = nv;
			m->latest_version = nv ? v[nv - 1].version : 0;
			mlt_model_versions_free(v, nv);
		}
		ml_yaml_free(&y);
		err_clear(&e);
		free(path);
		free(dir);
	}
	mlt_strv_free(names, nd);
	free(models);
	return 0;
}

int
mlt_model_versions(struct mlt_store *s, const char *name, struct mlt_model_version **out, int *n,
    struct wb_error *err)
{
	*out = NULL;
	*n = 0;
	char *dir = existing_model(s, name, err);
	if (dir == NULL)
		return -1;
	live_versions(dir, out, n);
	free(dir);
	return 0;
}

/* "3" -> 3; 0 when not a positive decimal number. */
static int
version_number(const char *s)
{
	if (s == NULL || *s < '1' || *s > '9' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
		return 0;
	return atoi(s);
}

int
mlt_model_resolve(struct mlt_store *s, const char *ref, struct mlt_model_version *out, struct wb_error *err)
{
	memset(out, 0, sizeof *out);
	if (ref == NULL || ref[0] == '\0') {
		err_set(err, -1, "empty model reference");
		err_hint(err, "write name, name@alias or name/<version>");
		return -1;
	}
	if (strncmp(ref, "models:/", 8) == 0)
		ref += 8;
	char *name = xstrdup(ref), *alias = NULL, *ver = NULL;
	char *slash = strrchr(name, '/'), *at = strrchr(name, '@');
	/* a model whose own name holds '@' wins over the alias reading */
	struct wb_error ignore = WB_ERROR_INIT;
	char *whole = model_dir(s, name);
	bool plain = !slash && check_model_name(name, &ignore) == 0 && is_dir(whole);
	err_clear(&ignore);
	free(whole);
	if (slash) {
		*slash = '\0';
		ver = slash + 1;
	} else if (at && !plain) {
		*at = '\0';
		alias = at + 1;
	}
	int rc = -1;
	char *dir = existing_model(s, name, err);
	if (dir == NULL)
		goto out;
	int version = 0;
	if (alias) {
		if (check_alias(alias, err) < 0)
			goto out;
		char *path = xasprintf("%s/aliases/%s", dir, alias);
		bool missing;
		char *text = ml_yaml_file_read(path, NULL, &missing, err);
		free(path);
		if (text == NULL) {
			if (missing) {
				err_clear(err);
				err_set(err, -1, "registered model '%s' has no alias '%s'", name, alias);
				err_hint(err, "list the model's versions to see its aliases");
			}
			goto out;
		}
		version = version_number(text);
		if (version == 0) {
			err_set(err, -1, "the alias file %s/aliases/%s holds '%s', not a version number", dir, alias, text);
			free(text);
			goto out;
		}
		free(text);
	} else if (ver && strcasecmp(ver, "latest") != 0) {
		version = version_number(ver);
		if (version == 0) {
			err_set(err, -1, "'%s' is not a version number in '%s'", ver, ref);
			err_hint(err, "write name/<version> with version 1, 2, ... or name/latest");
			goto out;
		}
	} else {
		struct mlt_model_version *v;
		int nv;
		live_versions(dir, &v, &nv);
		version = nv ? v[nv - 1].version : 0;
		mlt_model_versions_free(v, nv);
		if (version == 0) {
			err_set(err, -1, "registered model '%s' has no versions", name);
			err_hint(err, "register a model version first");
			goto out;
		}
	}
	rc = fetch_version(s, dir, name, version, out, err);
out:
	free(dir);
	free(name);
	return rc;
}

int
mlt_model_delete(struct mlt_store *s, const char *name, struct wb_error *err)
{
	char *dir = existing_model(s, name, err);
	if (dir == NULL)
		return -1;
	int rc = mlt_remove_tree(dir, err);
	free(dir);
	return rc;
}

int
mlt_model_version_delete(struct mlt_store *s, const char *name, int version, struct wb_error *err)
{
	char *dir = existing_model(s, name, err);
	if (dir == NULL)
		return -1;
	struct mlt_model_version v;
	int rc = fetch_version(s, dir, name, version, &v, err);
	if (rc == 0) {
		int64_t now = mlt_now_ms();
		char *path = xasprintf("%s/version-%d/%s", dir, version, META);
		struct ml_yaml y;
		rc = ml_yaml_read_file(path, &y, err);
		if (rc == 0) {
			/* as MLflow saves it: the aliases it had, the hidden stage */
			ml_yaml_set_list(&y, "aliases", v.naliases, v.aliases);
			ml_yaml_set_str(&y, "current_stage", STAGE_DELETED);
			ml_yaml_set_int(&y, "last_updated_timestamp", now);
			rc = ml_yaml_write_file(path, &y, err);
		}
		ml_yaml_free(&y);
		for (int i = 0; i < v.naliases && rc == 0; i++) {
			char *a = xasprintf("%s/aliases/%s", dir, v.aliases[i]);
			if (unlink(a) < 0 && errno != ENOENT) {
				err_set(err, -1, "cannot remove %s: %s", a, strerror(errno));
				rc = -1;
			}
			free(a);
		}
		if (rc == 0)
			rc = touch_model(dir, now, err);
		free(path);
		mlt_model_version_clear(&v);
	}
	free(dir);
	return rc;
}
