/* ledger.c - opening, reading and verifying the ledger env.
 *
 * One env holds everything written by the writer, so a batch is atomic
 * across the log, the Merkle hashes, the bodies, the state, the vault and the
 * stored checkpoint. MDB_NOTLS lets read transactions move between threads
 * (libuv callbacks); the default sync mode and no MDB_WRITEMAP keep commits
 * durable and the map safe from stray writes. */
#include "ledger.h"

#include "error.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define META_ORIGIN "origin"
#define META_FORMAT "format"
#define META_CHECKPOINT "checkpoint"

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int make_dir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) == 0 || errno == EEXIST) return 0;
    return -errno;
}

static int write_text_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) return -errno;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int rc = (n == (ssize_t)len && fsync(fd) == 0) ? 0 : -EIO;
    close(fd);
    return rc;
}

static int read_small_file(const char *path, char *buf, size_t cap, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -errno;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0) return -EIO;
    buf[n] = '\0';
    *len = (size_t)n;
    return 0;
}

static int open_dbis(cc_ledger *l, MDB_txn *txn)
{
    int rc;
    if ((rc = cc_log_dbi_open(txn, &l->log)) || (rc = cc_merkle_dbi_open(txn, &l->tree)) ||
        (rc = cc_bodies_dbi_open(txn, &l->bodies)) || (rc = cc_state_dbi_open(txn, &l->state)) ||
        (rc = cc_vault_dbi_open(txn, &l->vault)))
        return rc;
    if ((rc = mdb_dbi_open(txn, "files", MDB_CREATE, &l->files)) ||
        (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &l->meta)))
        return cc_from_mdb(rc);
    return 0;
}

static int env_open(cc_ledger *l, const char *env_dir, size_t map_size, int read_only)
{
    int rc;
    if ((rc = mdb_env_create(&l->env))) return cc_from_mdb(rc);
    mdb_env_set_maxdbs(l->env, 32);
    mdb_env_set_maxreaders(l->env, 512);
    mdb_env_set_mapsize(l->env, map_size);
    rc = mdb_env_open(l->env, env_dir, MDB_NOTLS | (read_only ? MDB_RDONLY : 0), 0600);
    if (rc) {
        mdb_env_close(l->env);
        l->env = NULL;
        return cc_from_mdb(rc);
    }
    MDB_envinfo info;
    mdb_env_info(l->env, &info);
    l->map_size = info.me_mapsize;
    /* Readers left behind by crashed processes would pin old pages forever. */
    int dead = 0;
    mdb_reader_check(l->env, &dead);
    return 0;
}

static int meta_put(cc_ledger *l, MDB_txn *txn, const char *key, const void *val, size_t len)
{
    MDB_val k = {strlen(key), (void *)key}, v = {len, (void *)val};
    return cc_from_mdb(mdb_put(txn, l->meta, &k, &v, 0));
}

static int meta_get(cc_ledger *l, MDB_txn *txn, const char *key, cc_slice *out)
{
    MDB_val k = {strlen(key), (void *)key}, v;
    int rc = mdb_get(txn, l->meta, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    out->ptr = v.mv_data;
    out->len = v.mv_size;
    return 0;
}

int cc_ledger__store_checkpoint(cc_ledger *l, MDB_txn *txn, uint64_t size)
{
    cc_hash root;
    int rc = cc_merkle_root(txn, l->tree, size, &root);
    if (rc) return rc;
    char note[CC_CHECKPOINT_MAX];
    size_t len;
    if ((rc = cc_checkpoint_sign(&l->signer, l->origin, size, &root, note, sizeof note, &len)))
        return rc;
    return meta_put(l, txn, META_CHECKPOINT, note, len);
}

int cc_ledger_create(const char *dir, const char *origin, char *verifier_out, size_t cap)
{
    if (sodium_init() < 0) return CC_ENOMEM;
    if (cc_note_name_valid(origin) != 0) return CC_EINVAL;
    char *env_dir = path_join(dir, "ledger"), *key_dir = path_join(dir, "keys");
    char *key_path = path_join(dir, "keys/log.key"), *pub_path = path_join(dir, "keys/log.pub");
    char *data_path = path_join(dir, "ledger/data.mdb");
    char private_text[512], verifier_text[512];
    cc_ledger l = {0};
    int rc = 0;
    if (!env_dir || !key_dir || !key_path || !pub_path || !data_path) {
        rc = CC_ENOMEM;
        goto out;
    }
    if (access(data_path, F_OK) == 0 || access(key_path, F_OK) == 0) {
        rc = CC_EEXISTS;
        goto out;
    }
    if ((rc = make_dir(dir, 0755)) || (rc = make_dir(env_dir, 0700)) ||
        (rc = make_dir(key_dir, 0700)))
        goto out;
    if ((rc = cc_signer_generate(origin, private_text, sizeof private_text, verifier_text,
                                 sizeof verifier_text)))
        goto out;
    if ((rc = cc_signer_save(key_path, private_text))) goto out;
    sodium_memzero(private_text, sizeof private_text);
    char pub_line[520];
    snprintf(pub_line, sizeof pub_line, "%s\n", verifier_text);
    if ((rc = write_text_file(pub_path, pub_line, 0644))) goto out;

    if ((rc = cc_ledger_open(&l, dir, NULL))) goto out;
    MDB_txn *txn;
    if ((rc = cc_from_mdb(mdb_txn_begin(l.env, NULL, 0, &txn)))) goto out_close;
    uint32_t format = CC_LEDGER_FORMAT;
    if (!(rc = meta_put(&l, txn, META_FORMAT, &format, sizeof format)) &&
        !(rc = meta_put(&l, txn, META_ORIGIN, origin, strlen(origin)))) {
        snprintf(l.origin, sizeof l.origin, "%s", origin);
        rc = cc_ledger__store_checkpoint(&l, txn, 0);
    }
    if (rc)
        mdb_txn_abort(txn);
    else
        rc = cc_from_mdb(mdb_txn_commit(txn));
    if (!rc && verifier_out) snprintf(verifier_out, cap, "%s", verifier_text);
out_close:
    cc_ledger_close(&l);
out:
    free(env_dir);
    free(key_dir);
    free(key_path);
    free(pub_path);
    free(data_path);
    return rc;
}

int cc_ledger_open(cc_ledger *l, const char *dir, const cc_ledger_options *opt)
{
    if (sodium_init() < 0) return CC_ENOMEM;
    cc_ledger_options defaults = {0};
    if (!opt) opt = &defaults;
    memset(l, 0, sizeof *l);
    pthread_rwlock_init(&l->resize_lock, NULL);
    l->dir = strdup(dir);
    char *env_dir = path_join(dir, "ledger");
    if (!l->dir || !env_dir) {
        free(env_dir);
        cc_ledger_close(l);
        return CC_ENOMEM;
    }
    int rc =
        env_open(l, env_dir, opt->map_size ? opt->map_size : CC_DEFAULT_MAP_SIZE, opt->read_only);
    free(env_dir);
    if (rc) goto fail;

    MDB_txn *txn;
    if ((rc = cc_from_mdb(mdb_txn_begin(l->env, NULL, opt->read_only ? MDB_RDONLY : 0, &txn))))
        goto fail;
    rc = open_dbis(l, txn);
    cc_slice origin;
    if (!rc && meta_get(l, txn, META_ORIGIN, &origin) == 0 && origin.len <= CC_NOTE_NAME_MAX) {
        memcpy(l->origin, origin.ptr, origin.len);
        l->origin[origin.len] = '\0';
    }
    if (rc)
        mdb_txn_abort(txn);
    else
        rc = cc_from_mdb(mdb_txn_commit(txn));
    if (rc) goto fail;

    /* The verifier key is public and always loaded; the signing key only
     * by processes that write. */
    char *pub_path = path_join(dir, "keys/log.pub");
    char text[600];
    size_t len = 0;
    rc = pub_path ? read_small_file(pub_path, text, sizeof text, &len) : CC_ENOMEM;
    free(pub_path);
    if (!rc) rc = cc_verifier_parse(text, len, &l->verifier);
    if (rc) goto fail;
    if (!opt->read_only) {
        char *key_path = path_join(dir, "keys/log.key");
        rc = key_path ? cc_signer_load(key_path, &l->signer) : CC_ENOMEM;
        free(key_path);
        if (rc) goto fail;
    }
    return 0;
fail:
    cc_ledger_close(l);
    return rc;
}

void cc_ledger_close(cc_ledger *l)
{
    if (l->env) mdb_env_close(l->env);
    l->env = NULL;
    free(l->dir);
    l->dir = NULL;
    sodium_memzero(&l->signer, sizeof l->signer);
    pthread_rwlock_destroy(&l->resize_lock);
}

int cc_ledger_read_begin(cc_ledger *l, MDB_txn **txn)
{
    pthread_rwlock_rdlock(&l->resize_lock);
    int rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, txn);
    if (rc == MDB_MAP_RESIZED) {
        /* Another process grew the map: adopt its size and retry. */
        mdb_env_set_mapsize(l->env, 0);
        rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, txn);
    }
    if (rc) pthread_rwlock_unlock(&l->resize_lock);
    return cc_from_mdb(rc);
}

void cc_ledger_read_end(cc_ledger *l, MDB_txn *txn)
{
    mdb_txn_abort(txn);
    pthread_rwlock_unlock(&l->resize_lock);
}

int cc_ledger__grow(cc_ledger *l)
{
    pthread_rwlock_wrlock(&l->resize_lock);
    size_t size = l->map_size * 2;
    int rc = mdb_env_set_mapsize(l->env, size);
    if (!rc) {
        MDB_envinfo info;
        mdb_env_info(l->env, &info);
        l->map_size = info.me_mapsize;
        l->map_grows++;
    }
    pthread_rwlock_unlock(&l->resize_lock);
    return cc_from_mdb(rc);
}

int cc_ledger_checkpoint(cc_ledger *l, MDB_txn *txn, cc_slice *note)
{
    return meta_get(l, txn, META_CHECKPOINT, note);
}

int cc_ledger_file_get(cc_ledger *l, MDB_txn *txn, const uint8_t hash[32], cc_slice *out)
{
    MDB_val k = {32, (void *)hash}, v;
    int rc = mdb_get(txn, l->files, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    out->ptr = v.mv_data;
    out->len = v.mv_size;
    return 0;
}

/* ---- verification ------------------------------------------------------- */

static int failf(char *msg, size_t cap, int rc, const char *fmt, unsigned long long seq,
                 const char *detail)
{
    if (msg && cap) snprintf(msg, cap, fmt, seq, detail);
    return rc;
}

static int verify_body(cc_ledger *l, MDB_txn *txn, uint64_t seq, const cc_event *e, char *msg,
                       size_t cap)
{
    const uint8_t *nonce;
    cc_slice body;
    int rc = cc_bodies_get(txn, l->bodies, e->commitment, &nonce, &body);
    if (rc == CC_ENOTFOUND) {
        uint64_t owner = cc_state_body_owner(seq, e);
        cc_item it;
        if (owner && cc_state_item(txn, &l->state, owner, &it) == 0 && it.state == CC_REMOVED)
            return 0;
        return failf(msg, cap, CC_ENOBODY, "entry %llu: %s", seq, cc_strerror(CC_ENOBODY));
    }
    if (rc) return failf(msg, cap, rc, "entry %llu: body: %s", seq, cc_strerror(rc));
    uint8_t c[32];
    cc_body_commit(nonce, body.ptr, body.len, c);
    if (sodium_memcmp(c, e->commitment, 32) != 0)
        return failf(msg, cap, CC_EBODY, "entry %llu: %s", seq, cc_strerror(CC_EBODY));
    cc_body decoded;
    if ((rc = cc_body_decode(e->type, body.ptr, body.len, &decoded)))
        return failf(msg, cap, rc, "entry %llu: body: %s", seq, cc_strerror(rc));
    return 0;
}

int cc_ledger_verify(cc_ledger *l, const cc_verifier *v, char *msg, size_t cap)
{
    if (!v) v = &l->verifier;
    if (msg && cap) msg[0] = '\0';
    MDB_txn *txn;
    int rc = cc_ledger_read_begin(l, &txn);
    if (rc) return failf(msg, cap, rc, "open: %.0llu%s", 0, cc_strerror(rc));

    /* The checkpoint first: we need its size to know which root to keep. */
    cc_slice note;
    char origin[CC_NOTE_NAME_MAX + 1];
    uint64_t cp_size = 0, size = 0;
    cc_hash cp_root, cp_computed, leaf, stored;
    int have_cp = 0;
    if ((rc = cc_log_size(txn, l->log, &size))) {
        failf(msg, cap, rc, "log: %.0llu%s", 0, cc_strerror(rc));
        goto done;
    }
    if ((rc = cc_ledger_checkpoint(l, txn, &note))) {
        failf(msg, cap, rc, "checkpoint: %.0llu%s", 0, cc_strerror(rc));
        goto done;
    }
    if ((rc =
             cc_checkpoint_open(v, (const char *)note.ptr, note.len, origin, &cp_size, &cp_root))) {
        failf(msg, cap, rc, "checkpoint: %.0llu%s", 0, cc_strerror(rc));
        goto done;
    }
    if (strcmp(origin, l->origin) != 0 || cp_size > size) {
        rc = CC_ECHECKPOINT;
        failf(msg, cap, rc, "checkpoint: %.0llu%s", 0,
              cp_size > size ? "size beyond the end of the log" : "origin differs from the log's");
        goto done;
    }

    cc_merkle_builder b;
    cc_merkle_builder_init(&b);
    if (cp_size == 0) {
        cc_merkle_builder_root(&b, &cp_computed);
        have_cp = 1;
    }
    cc_log_iter it;
    if ((rc = cc_log_iter_open(txn, l->log, 0, &it))) goto done;
    uint64_t seq, last_ts = 0;
    cc_slice entry;
    while ((rc = cc_log_iter_next(&it, &seq, &entry)) == 0) {
        cc_event e;
        if ((rc = cc_event_decode(entry.ptr, entry.len, &e))) {
            cc_field f = cc_event_decode_error_field();
            char detail[96];
            snprintf(detail, sizeof detail, "%s%s%s", cc_strerror(rc), f < CC_F_COUNT_ ? " " : "",
                     f < CC_F_COUNT_ ? cc_field_key(f) : "");
            failf(msg, cap, rc, "entry %llu: %s", seq, detail);
            break;
        }
        if (e.ts < last_ts) {
            rc = CC_ECORRUPT;
            failf(msg, cap, rc, "entry %llu: %s", seq, "timestamp goes backwards");
            break;
        }
        last_ts = e.ts;
        cc_merkle_leaf_hash(entry.ptr, entry.len, &leaf);
        if ((rc = cc_merkle_get(txn, l->tree, 0, seq, &stored)) ||
            sodium_memcmp(stored.b, leaf.b, 32) != 0) {
            rc = CC_EROOT;
            failf(msg, cap, rc, "entry %llu: %s", seq, "stored leaf hash differs from the entry");
            break;
        }
        cc_merkle_builder_push(&b, &leaf);
        if (b.size == cp_size) {
            cc_merkle_builder_root(&b, &cp_computed);
            have_cp = 1;
        }
        if (cc_event_is_set(&e, CC_F_COMMITMENT) && (rc = verify_body(l, txn, seq, &e, msg, cap)))
            break;
    }
    cc_log_iter_close(&it);
    if (rc == CC_ENOTFOUND) rc = 0;
    if (rc == CC_ECHECKSUM || rc == CC_EFORMAT || rc == CC_ECORRUPT) {
        if (!msg || !msg[0]) failf(msg, cap, rc, "entry %llu: %s", it.next, cc_strerror(rc));
    }
    if (rc) goto done;
    if (b.size != size) {
        rc = CC_ECORRUPT;
        failf(msg, cap, rc, "log: %.0llu%s", 0, "entries missing");
        goto done;
    }
    cc_hash computed, tree_root;
    cc_merkle_builder_root(&b, &computed);
    if ((rc = cc_merkle_root(txn, l->tree, size, &tree_root)) ||
        sodium_memcmp(computed.b, tree_root.b, 32) != 0) {
        rc = CC_EROOT;
        failf(msg, cap, rc, "tree: %.0llu%s", 0,
              "stored hashes do not give the root of the entries");
        goto done;
    }
    if (!have_cp || sodium_memcmp(cp_computed.b, cp_root.b, 32) != 0) {
        rc = CC_EROOT;
        failf(msg, cap, rc, "checkpoint: %.0llu%s", 0, "root differs from the root of the entries");
        goto done;
    }
done:
    cc_ledger_read_end(l, txn);
    return rc;
}

/* ---- rebuilding the write-side state ------------------------------------ */

int cc_ledger_rebuild_state(cc_ledger *l, uint64_t *events)
{
    MDB_txn *txn;
    int rc;
    for (;;) {
        if ((rc = mdb_txn_begin(l->env, NULL, 0, &txn))) return cc_from_mdb(rc);
        MDB_dbi dbis[] = {l->state.participants, l->state.items,    l->state.votes,
                          l->state.flags,        l->state.versions, l->state.counters};
        for (size_t i = 0; i < sizeof dbis / sizeof dbis[0] && !rc; i++)
            rc = cc_from_mdb(mdb_drop(txn, dbis[i], 0));
        cc_log_iter it = {0};
        uint64_t seq, n = 0;
        cc_slice entry;
        if (!rc) rc = cc_log_iter_open(txn, l->log, 0, &it);
        while (!rc && (rc = cc_log_iter_next(&it, &seq, &entry)) == 0) {
            cc_event e;
            if ((rc = cc_event_decode(entry.ptr, entry.len, &e))) break;
            rc = cc_state_apply(txn, &l->state, seq, &e);
            n++;
        }
        cc_log_iter_close(&it);
        if (rc == CC_ENOTFOUND) rc = 0;
        if (!rc) rc = cc_from_mdb(mdb_txn_commit(txn));
        else mdb_txn_abort(txn);
        if (rc == MDB_MAP_FULL && !(rc = cc_ledger__grow(l))) continue;
        if (!rc && events) *events = n;
        return rc;
    }
}
