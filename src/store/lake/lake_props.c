/*
 * Metadata-only commits: COMMENT ON TABLE. Spark records a table comment
 * as metaData.description and logs the change as SET TBLPROPERTIES with
 * the comment as a property; wb does the same.
 */
#include "store/lake/lake_maint.h"
#include "core/json.h"
#include "core/strbuf.h"

int64_t
lake_set_comment(const char *dir, const char *comment, struct wb_error *err)
{
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL)
		return -1;
	struct delta_commit *c = delta_commit_begin(dir, snap, comment ? "SET TBLPROPERTIES" : "UNSET TBLPROPERTIES", err);
	int64_t v = -1;
	if (c != NULL) {
		struct delta_metadata md = snap->metadata;
		md.description = comment;
		delta_commit_set_metadata(c, &md);
		struct strbuf sb = STRBUF_INIT;
		struct json_writer w;
		json_w_init(&w, &sb);
		if (comment) {
			json_w_object(&w);
			json_w_key(&w, "comment");
			json_w_string(&w, comment);
			json_w_end(&w);
			delta_commit_param(c, "properties", sb_str(&sb));
		} else {
			json_w_array(&w);
			json_w_string(&w, "comment");
			json_w_end(&w);
			delta_commit_param(c, "propKeys", sb_str(&sb));
			delta_commit_param(c, "ifExists", "true");
		}
		sb_free(&sb);
		v = delta_commit_publish(c, NULL, err);
		lake_commit_notify(dir, v, comment ? "SET TBLPROPERTIES" : "UNSET TBLPROPERTIES", 0);
		delta_commit_free(c);
	}
	delta_snapshot_free(snap);
	return v;
}
