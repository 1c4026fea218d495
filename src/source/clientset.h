/*
 * clientset - the enrolled clients, resolved to fingerprints
 *
 * clientset_build() loads every cert= file and turns the clients of a
 * parsed source into entries: one per fingerprint the policy server will
 * look up (certificate fingerprints in fingerprint_digest, bare
 * fingerprint= values in their own digest, pinned public keys). It
 * reports, into the conf's collector conf->diag (diag.h; nothing is
 * printed here): unreadable or bad
 * certificates and a fingerprint enrolled under two names (errors);
 * expired, expiring and not-yet-valid certificates of active clients,
 * fingerprints in another digest than fingerprint_digest, and clients
 * whose revocation cannot be checked (warnings). It also has tls_local
 * check the tafile= files and exclude= cipher lists of the tls entries,
 * so that every command that compiles (check, compile, enroll, revoke,
 * refresh) judges them alike.
 */
#ifndef CERTPOLICY_CLIENTSET_H
#define CERTPOLICY_CLIENTSET_H

#include <stddef.h>
#include <time.h>

#include "cert/cert.h"
#include "cert/certcache.h"
#include "source/conf.h"

enum entry_kind {
    ENTRY_CERT = 'c',			/* matches ccert_fingerprint */
    ENTRY_PIN = 'p',			/* matches ccert_pubkey_fingerprint */
};

struct entry {
    enum entry_kind kind;
    struct fprint fp;
    size_t  client;			/* index in conf->clients */
    const struct cert *cert;		/* NULL for a bare fingerprint or a pin */
    const struct conf_client *key_revoked_by;	/* a pin: a client revoked in the
						 * source has a certificate with
						 * this key; else NULL */
};

struct client_info {
    const struct cert *newest;		/* the cert= that expires last, or NULL */
    int     fingerprint_only;		/* no cert= at all */
};

struct clientset {
    struct conf *conf;
    struct entry *entries;
    size_t  nentries;
    struct client_info *info;		/* one per conf->clients */
    struct cert **certs;		/* owned */
    size_t  ncerts;
    size_t  active;
    size_t  revoked;
    size_t  fingerprint_only;
    struct certcache *cache;		/* clientset_build_cached(), else NULL */
};

/*
 * clientset_build - resolve conf's clients, and check the files and cipher
 * lists of its tls entries on this host (tls_local_entries()); problems
 * are counted in conf
 */
struct clientset *clientset_build(struct conf *conf, time_t now);

/*
 * clientset_build_cached - clientset_build(), with the facts of cert=
 * files whose content has not changed since the last compile taken from
 * the certificate cache beside the database (certcache.h): the same set,
 * the same messages, but certificates without x509. For every command
 * but refresh, which needs the certificates themselves. compile_run()
 * writes the cache after a compile that worked.
 */
struct clientset *clientset_build_cached(struct conf *conf, time_t now);

/* clientset_free - release a clientset (not its conf) */
void    clientset_free(struct clientset *set);

#endif
