/*
 * compile - write the database and the Postfix maps, all or nothing
 *
 * The outputs of one run are collected in a small array of atomic files;
 * the commit renames the map sources and postmap's indexes first, then
 * the database, and an edited source last: the policy server sees the new
 * clients no earlier than Postfix's own relay map does, and a run killed
 * between two renames never leaves a source that says more than the
 * outputs do (a revoke killed there has taken effect in the outputs, not
 * yet in the source, and runs again). Before the first rename every
 * target's current version is kept (a hard link); if a later rename
 * fails, the earlier ones are undone from those links. The file that an
 * edit read is watched through a descriptor: written to after the last
 * check by path (an editor's change), it is put back with every output.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cdb.h>

#include "util/atomic_file.h"
#include "cert/certcache.h"
#include "policy/cdbfile.h"
#include "tool/compile.h"
#include "policy/dbrec.h"
#include "util/htable.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/sigguard.h"
#include "tool/srcindex.h"

extern char **environ;

#define COMPILE_MAX_OUTPUTS 6		/* edited source, database, 2 x (map + index) */

struct compile_outputs {
    struct atomic_file file[COMPILE_MAX_OUTPUTS];
    int     count;
};

/* compile_new_output - the next slot */
static struct atomic_file *compile_new_output(struct compile_outputs *outs)
{
    if (outs->count >= COMPILE_MAX_OUTPUTS)
	log_panic("compile: too many outputs");
    return (outs->file + outs->count++);
}

/* compile_cdb_put - one record; -1 on a write error */
static int compile_cdb_put(struct cdb_make *cdbm, const char *key, size_t klen,
			           const char *val, size_t vlen)
{
    return (cdb_make_add(cdbm, key, (unsigned) klen, val, (unsigned) vlen));
}

/* A k: record's value being built: the fingerprints of the certificates of one key. */
struct compile_key {
    const struct fprint *key;
    char   *certs;
    size_t  len;
    size_t  cap;
};

/*
 * compile_key_records - one "k:" record per public key that an enrolled
 * certificate carries, its value the fingerprints of every such
 * certificate (a raw-public-key request, RFC 7250, is decided by them).
 * Returns 0, or -1 on a write error.
 */
static int compile_key_records(const struct clientset *set, struct cdb_make *cdbm)
{
    enum fprint_digest digest = conf_digest(set->conf);
    struct compile_key *keys = NULL;
    size_t  nkeys = 0, cap = 0, i, idx, klen;
    struct htable seen;
    char    key[DBREC_KEY_MAX], text[FPRINT_TEXT_MAX];
    int     err = 0;

    htable_init(&seen);
    for (i = 0; i < set->nentries; i++) {
	const struct entry *e = set->entries + i;
	const struct fprint *kfp;
	struct compile_key *k;
	size_t  tlen;

	if (e->kind != ENTRY_CERT || e->cert == NULL)
	    continue;
	kfp = e->cert->pubkey_fp + digest;
	keys = mem_grow(keys, nkeys, &cap, sizeof(*keys));
	idx = (size_t) htable_insert(&seen, kfp->bytes, kfp->len, (void *) (nkeys + 1));
	if (idx == 0) {
	    idx = ++nkeys;
	    memset(keys + idx - 1, 0, sizeof(*keys));
	    keys[idx - 1].key = kfp;
	}
	k = keys + idx - 1;
	tlen = strlen(fprint_format(&e->fp, text));
	k->certs = mem_reserve(k->certs, k->len, tlen + 1, &k->cap);
	if (k->len > 0)
	    k->certs[k->len++] = ' ';
	memcpy(k->certs + k->len, text, tlen + 1);
	k->len += tlen;
    }
    for (i = 0; i < nkeys; i++) {
	klen = dbrec_key(DBREC_KIND_KEY, keys[i].key, key);
	if (err == 0)
	    err |= compile_cdb_put(cdbm, key, klen, keys[i].certs, keys[i].len);
	free(keys[i].certs);
    }
    free(keys);
    htable_free(&seen);
    return (err);
}

/* compile_entry_value - the database record of one entry */
char   *compile_entry_value(const struct clientset *set, const struct entry *e)
{
    const struct conf_client *cl = set->conf->clients + e->client;
    struct dbrec rec;
    char    pin_reason[300];

    rec.name = cl->name;
    rec.name_len = strlen(cl->name);
    rec.revoked = cl->revoked;
    rec.has_validity = e->cert != NULL;
    rec.not_before = e->cert ? (long long) e->cert->not_before : 0;
    rec.not_after = e->cert ? (long long) e->cert->not_after : 0;
    rec.revoked_at = cl->revoked ? (long long) cl->revoked_at : -1;
    rec.reason = cl->reason;
    rec.reason_len = cl->reason ? strlen(cl->reason) : 0;
    if (e->key_revoked_by != NULL) {
	/* a pin of a key whose certificate is revoked in the source */
	snprintf(pin_reason, sizeof(pin_reason), "a certificate with the pinned key is "
		 "revoked (client %s)", e->key_revoked_by->name);
	rec.revoked = 1;
	rec.revoked_at = (long long) e->key_revoked_by->revoked_at;
	rec.reason = pin_reason;
	rec.reason_len = strlen(pin_reason);
    }
    return (dbrec_encode(&rec));
}

/* compile_database - settings and one record per entry */
static int compile_database(const struct clientset *set, struct compile_outputs *outs)
{
    const struct conf *conf = set->conf;
    struct atomic_file *af;
    struct cdb_make cdbm;
    char    key[DBREC_KEY_MAX + 64];
    size_t  klen, i;
    int     err = 0, first_errno;

    af = compile_new_output(outs);
    if (atomic_open(af, conf->set.value[SET_DATABASE], 0644) < 0) {
	log_error("%s", af->why);
	outs->count--;
	return (-1);
    }
    if (cdb_make_start(&cdbm, af->fd) < 0) {
	log_error_errno("cannot write %s", af->temp);
	return (-1);
    }
    err |= compile_cdb_put(&cdbm, DBREC_FORMAT_KEY, strlen(DBREC_FORMAT_KEY),
			   DBREC_FORMAT, strlen(DBREC_FORMAT));
    for (i = 0; err == 0 && i < SETTING_COUNT; i++) {
	klen = (size_t) snprintf(key, sizeof(key), DBREC_SETTING_PREFIX "%s", settings_table[i].name);
	err |= compile_cdb_put(&cdbm, key, klen, conf->set.value[i], strlen(conf->set.value[i]));
    }
    if (err == 0)
	err |= compile_cdb_put(&cdbm, DBREC_SOURCE_KEY, strlen(DBREC_SOURCE_KEY),
			       conf->text_sha256, strlen(conf->text_sha256));
    for (i = 0; err == 0 && i < set->nentries; i++) {
	const struct entry *e = set->entries + i;
	char   *value = compile_entry_value(set, e);

	klen = dbrec_key(e->kind, &e->fp, key);
	err |= compile_cdb_put(&cdbm, key, klen, value, strlen(value));
	free(value);
    }
    if (err == 0)
	err |= compile_key_records(set, &cdbm);
    /* cdb_make_finish() also frees tinycdb's memory: call it even after an error. */
    first_errno = err ? errno : 0;
    if (cdb_make_finish(&cdbm) < 0)
	err = -1;
    if (first_errno)
	errno = first_errno;
    if (err) {
	log_error_errno("cannot write %s", af->temp);
	return (-1);
    }
    if (atomic_close(af) < 0) {
	log_error("%s", af->why);
	return (-1);
    }
    return (0);
}

/* compile_postmap - run postmap_command TYPE:PATH; 0 or -1 (logged) */
static int compile_postmap(const char *command, const char *type, const char *path)
{
    char   *copy = mem_strdup(command);
    char  **argv = NULL;
    size_t  argc = 0, cap = 0;
    char   *word, *save = NULL;
    char   *map;
    posix_spawnattr_t attr;
    pid_t   pid;
    int     status, err;

    for (word = strtok_r(copy, " \t", &save); word; word = strtok_r(NULL, " \t", &save)) {
	argv = mem_grow(argv, argc + 2, &cap, sizeof(*argv));
	argv[argc++] = word;
    }
    map = mem_printf("%s:%s", type, path);
    argv = mem_grow(argv, argc + 2, &cap, sizeof(*argv));
    argv[argc++] = map;
    argv[argc] = NULL;
    fflush(stdout);
    fflush(stderr);
    if ((err = sigguard_spawnattr(&attr)) == 0) {
	err = posix_spawnp(&pid, argv[0], NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
    }
    if (err != 0) {
	errno = err;
	log_error_errno("cannot run \"%s\"", argv[0]);
    } else if (waitpid(pid, &status, 0) < 0) {
	log_error_errno("waiting for \"%s\"", argv[0]);
	err = -1;
    } else if (WIFSIGNALED(status)) {
	log_error("\"%s %s\" was killed by signal %d", command, map, WTERMSIG(status));
	err = -1;
    } else if (WEXITSTATUS(status) != 0) {
	log_error("\"%s %s\" failed with exit status %d", command, map, WEXITSTATUS(status));
	err = -1;
    }
    free(map);
    free(argv);
    free(copy);
    return (err ? -1 : 0);
}

/*
 * compile_write_path - a path in a map's comment: a byte that could end
 * the comment line (any control character) or is not ASCII is written as
 * '?', so no path can add a line to a map
 */
static void compile_write_path(FILE *fp, const char *path)
{
    const unsigned char *cp;

    for (cp = (const unsigned char *) path; *cp; cp++)
	putc(*cp < 0x20 || *cp >= 0x7f ? '?' : *cp, fp);
}

/* compile_map - write one map source and build its index */
static int compile_map(const struct clientset *set, enum setting_id id, int run_postmap,
		               struct compile_outputs *outs,
		               void (*write) (const struct clientset *, FILE *))
{
    const struct conf *conf = set->conf;
    const struct setting_map *map = settings_map(&conf->set, id);
    const char *path = map->path;
    struct atomic_file *af, *adopted;
    char   *temp_index, *index;
    FILE   *fp;
    int     ret = -1;

    af = compile_new_output(outs);
    if (atomic_open(af, path, 0644) < 0) {
	log_error("%s", af->why);
	outs->count--;
	return (-1);
    }
    fp = atomic_stdio(af);
    fprintf(fp, "# %s, generated by certpolicy from ", settings_table[id].name);
    compile_write_path(fp, conf->path);
    fprintf(fp, ".\n# Do not edit: edit the source and run \"certpolicy compile\".\n");
    write(set, fp);
    if (atomic_close(af) < 0) {
	log_error("%s", af->why);
	goto done;
    }
    if (!run_postmap || map->index_suffix == NULL) {
	ret = 0;				/* texthash, or --no-postmap */
	goto done;
    }
    temp_index = mem_printf("%s%s", af->temp, map->index_suffix);
    index = mem_printf("%s%s", path, map->index_suffix);
    adopted = compile_new_output(outs);
    atomic_adopt(adopted, temp_index, index);
    free(temp_index);
    free(index);
    ret = compile_postmap(conf->set.value[SET_POSTMAP_COMMAND], map->type, af->temp);
    /* postmap does not fsync: its index goes to disk before its rename, as ours do */
    if (ret == 0 && (ret = atomic_sync_adopted(adopted)) < 0)
	log_error("%s", adopted->why);

done:
    return (ret);
}

/* compile_write_relay - fingerprint name, for active clients */
static void compile_write_relay(const struct clientset *set, FILE *fp)
{
    enum fprint_digest digest = conf_digest(set->conf);
    char    text[FPRINT_TEXT_MAX];
    size_t  i;

    for (i = 0; i < set->nentries; i++) {
	const struct entry *e = set->entries + i;
	const struct conf_client *cl = set->conf->clients + e->client;

	if (!cl->revoked && e->key_revoked_by == NULL && e->fp.digest == digest)
	    fprintf(fp, "%s %s\n", fprint_format_lower(&e->fp, text), cl->name);
    }
}

/* compile_write_tls - next-hop policy */
static void compile_write_tls(const struct clientset *set, FILE *fp)
{
    size_t  i;

    for (i = 0; i < set->conf->ntls; i++)
	fprintf(fp, "%s %s\n", set->conf->tls[i].nexthop, set->conf->tls[i].policy);
}

/*
 * compile_source_intact - the file an edit read is still as it was read
 * and is the version that was just replaced: same size and modification
 * time through the descriptor kept open on it (its change time moves
 * with the link and the rename themselves), and, when the previous
 * version was kept by a hard link, that link is this very file (not one
 * an editor put at the path by rename after the last check)
 */
static int compile_source_intact(const struct compile_source *src, const struct atomic_file *af)
{
    struct stat now, prev;

    if (fstat(src->read_fd, &now) < 0 || now.st_size != src->read_st.st_size
	|| now.st_mtim.tv_sec != src->read_st.st_mtim.tv_sec
	|| now.st_mtim.tv_nsec != src->read_st.st_mtim.tv_nsec)
	return (0);
    if (af->linked && af->backup != NULL
	&& (lstat(af->backup, &prev) < 0 || prev.st_dev != now.st_dev || prev.st_ino != now.st_ino))
	return (0);
    return (1);
}

/*
 * compile_commit - rename every output into place, or put every one back;
 * src, when not NULL, is the edit's source: the last output
 */
static int compile_commit(struct compile_outputs *outs, const struct compile_source *src)
{
    int     i, j;

    for (i = 0; i < outs->count; i++) {
	if (atomic_keep(outs->file + i) < 0) {
	    log_error("%s", outs->file[i].why);
	    for (j = 0; j < outs->count; j++)
		atomic_abort(outs->file + j);
	    log_error("nothing was changed");
	    return (-1);
	}
    }
    for (i = 0; i < outs->count; i++) {
	if (atomic_commit(outs->file + i) < 0) {
	    log_error("%s", outs->file[i].why);
	    break;
	}
    }
    if (i == outs->count && src != NULL && !compile_source_intact(src, outs->file + i - 1)) {
	log_error("%s: the file was written by something else while it was being replaced "
		  "(an editor?): that version was put back", outs->file[i - 1].target);
    } else if (i == outs->count) {
	for (j = 0; j < outs->count; j++)
	    atomic_forget(outs->file + j);
	return (0);
    }
    for (j = i - 1; j >= 0; j--)
	if (atomic_restore(outs->file + j) < 0)
	    log_error("%s", outs->file[j].why);
    for (j = 0; j < outs->count; j++) {
	if (j < i)
	    atomic_forget(outs->file + j);
	else
	    atomic_abort(outs->file + j);
    }
    log_error("the outputs replaced before that were put back: nothing was changed");
    return (-1);
}

/* compile_interrupted - a signal arrived (SIGINT, SIGTERM, SIGHUP): -1 (logged), else 0 */
static int compile_interrupted(void)
{
    int     sig = sigguard_pending();

    if (sig == 0)
	return (0);
    log_error("interrupted by signal %d (%s): stopping", sig, strsignal(sig));
    return (-1);
}

/* compile_sweep - see compile.h */
void    compile_sweep(const struct conf *conf)
{
    static const enum setting_id maps[] = {SET_RELAY_CLIENTCERTS, SET_TLS_POLICY_MAP};
    static const char *const beside[] = {DBREC_OVERLAY_SUFFIX, SRCINDEX_SUFFIX, CERTCACHE_SUFFIX};
    const char *path;
    char   *other;
    size_t  i;

    (void) atomic_sweep(conf->set.value[SET_DATABASE]);
    for (i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
	other = mem_printf("%s%s", conf->set.value[SET_DATABASE], beside[i]);
	(void) atomic_sweep(other);
	free(other);
    }
    (void) atomic_sweep(conf->set.value[SET_STATUS_DATABASE]);
    for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
	if ((path = settings_map(&conf->set, maps[i])->path) != NULL)
	    (void) atomic_sweep(path);
}

/*
 * compile_save_cache - after a compile that worked: keep the facts of the
 * certificates it read for the next one (a failure only costs speed)
 */
static void compile_save_cache(const struct clientset *set)
{
    char    why[600];

    if (set->cache != NULL && certcache_save(set->cache, why, sizeof(why)) < 0)
	log_warn("%s: the next compile reads every certificate file again", why);
}

/*
 * compile_save_index - after a compile that worked: where each client's
 * line is, for the next enroll or revoke (srcindex.h), when the file at
 * the source's path is the one compiled: the file read, or the edited
 * file written (written: its lstat() before the rename). A failure only
 * makes the next edit slower.
 */
static void compile_save_index(const struct clientset *set, const struct stat *written)
{
    const struct conf *conf = set->conf;
    struct stat now;
    char    why[600];
    char   *real;

    if (written != NULL) {
	if ((real = realpath(conf->path, NULL)) == NULL || stat(real, &now) < 0
	    || now.st_ino == 0 || !srcindex_same(&now, written)) {
	    free(real);
	    return;				/* replaced again already: no index */
	}
	free(real);
    } else if (conf->read_file) {
	now = conf->source;
    } else {
	return;
    }
    (void) srcindex_save(set, &now, why, sizeof(why));
}

/* compile_run_with - write everything, then commit with source, or roll back */
int     compile_run_with(const struct clientset *set, int run_postmap,
			         struct compile_source *source)
{
    const struct conf *conf = set->conf;
    struct compile_outputs outs;
    struct stat written;
    char    why[256];
    int     err = 0, i;

    outs.count = 0;
    compile_sweep(conf);
    if (*conf->set.value[SET_RELAY_CLIENTCERTS])
	err |= compile_map(set, SET_RELAY_CLIENTCERTS, run_postmap, &outs, compile_write_relay);
    if (err == 0)
	err |= compile_interrupted();
    if (err == 0 && *conf->set.value[SET_TLS_POLICY_MAP])
	err |= compile_map(set, SET_TLS_POLICY_MAP, run_postmap, &outs, compile_write_tls);
    if (err == 0)
	err |= compile_interrupted();
    if (err == 0)
	err |= compile_database(set, &outs);
    /* The edited source is replaced last: see the top of this file. */
    if (source != NULL)
	*compile_new_output(&outs) = source->file;
    /* Last thing before the outputs are replaced: was the source edited meanwhile? */
    if (err == 0 && !conf_unchanged(conf, why, sizeof(why))) {
	log_error("%s: %s", conf->path, why);
	err = -1;
    }
    if (err == 0)
	err |= compile_interrupted();
    if (err) {
	for (i = 0; i < outs.count; i++)
	    atomic_abort(outs.file + i);
	log_error("nothing was changed");
	return (-1);
    }
    if (source != NULL && lstat(source->file.temp, &written) < 0)
	memset(&written, 0, sizeof(written));
    if (compile_commit(&outs, source) < 0)
	return (-1);
    compile_save_cache(set);
    compile_save_index(set, source != NULL ? &written : NULL);
    return (0);
}

/* compile_current - the database holds the compile of exactly this source text */
int     compile_current(const struct conf *conf)
{
    struct cdbfile db;
    char   *val;
    int     changed, bad, same = 0;

    cdbfile_init(&db, conf->set.value[SET_DATABASE], NULL, NULL, NULL);
    if (cdbfile_refresh(&db, &changed) && (val = cdbfile_get(&db, DBREC_SOURCE_KEY, &bad)) != NULL) {
	same = *conf->text_sha256 && strcmp(val, conf->text_sha256) == 0;
	free(val);
    }
    cdbfile_free(&db);
    return (same);
}

/* compile_run - write everything, then commit or roll back */
int     compile_run(const struct clientset *set, int run_postmap)
{
    return (compile_run_with(set, run_postmap, NULL));
}
