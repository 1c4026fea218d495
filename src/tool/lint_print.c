/*
 * lint_print - what "certpolicy lint" saw and found, as text or JSON
 *
 * Strings from certificates are printed as OpenSSL's RFC 2253 form makes
 * them (non-ASCII escaped); JSON strings escape quotes, backslashes and
 * control characters, so a hostile subject cannot break the output.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert/certlint.h"
#include "tool/lint_print.h"
#include "util/jsonout.h"
#include "util/timeutil.h"

/* lint_json_string - value as a JSON string */
static void lint_json_string(const char *value)
{
    jsonout_string(value);
}

/* lint_iso - a certificate time as YYYY-MM-DDTHH:MM:SSZ */
static const char *lint_iso(const ASN1_TIME *t, char *buf, size_t len)
{
    time_t  when = certlint_time(t);
    struct tm tm;

    if (gmtime_r(&when, &tm) == NULL)
	snprintf(buf, len, "?");
    else
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return (buf);
}

/* lint_san - the DNS and IP names of x509's subjectAltName, comma-separated */
static const char *lint_san(X509 *x509, char *buf, size_t len, const char *sep)
{
    GENERAL_NAMES *san = X509_get_ext_d2i(x509, NID_subject_alt_name, NULL, NULL);
    GENERAL_NAME *gen;
    char    ip[64];
    int     i;

    buf[0] = 0;
    for (i = 0; san != NULL && i < sk_GENERAL_NAME_num(san); i++) {
	gen = sk_GENERAL_NAME_value(san, i);
	if (gen->type == GEN_DNS)
	    snprintf(buf + strlen(buf), len - strlen(buf), "%sDNS:%.*s", *buf ? sep : "",
		     ASN1_STRING_length(gen->d.dNSName),
		     (const char *) ASN1_STRING_get0_data(gen->d.dNSName));
	else if (gen->type == GEN_IPADD && ASN1_STRING_length(gen->d.iPAddress) == 4) {
	    const unsigned char *a = ASN1_STRING_get0_data(gen->d.iPAddress);

	    snprintf(ip, sizeof(ip), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	    snprintf(buf + strlen(buf), len - strlen(buf), "%sIP:%s", *buf ? sep : "", ip);
	}
    }
    GENERAL_NAMES_free(san);
    return (buf);
}

/* lint_cert_text - one line for one certificate */
static void lint_cert_text(X509 *x509, int depth)
{
    char    subject[256], issuer[256], from[32], to[32], key[64], san[1024];

    printf("depth %d: subject \"%s\", issuer \"%s\", %s to %s, %s, %s%s%s\n", depth,
	   certlint_name_text(X509_get_subject_name(x509), subject, sizeof(subject)),
	   certlint_name_text(X509_get_issuer_name(x509), issuer, sizeof(issuer)),
	   lint_iso(X509_get0_notBefore(x509), from, sizeof(from)),
	   lint_iso(X509_get0_notAfter(x509), to, sizeof(to)),
	   certlint_key_text(x509, key, sizeof(key)), certlint_signature_text(x509),
	   *lint_san(x509, san, sizeof(san), ", ") ? ", " : "", san);
}

/* lint_cert_json - one object for one certificate */
static void lint_cert_json(X509 *x509, int depth)
{
    char    text[1024];
    char   *name, *save;

    printf("{\"depth\": %d, \"subject\": ", depth);
    lint_json_string(certlint_name_text(X509_get_subject_name(x509), text, sizeof(text)));
    printf(", \"issuer\": ");
    lint_json_string(certlint_name_text(X509_get_issuer_name(x509), text, sizeof(text)));
    printf(", \"not_before\": ");
    lint_json_string(lint_iso(X509_get0_notBefore(x509), text, sizeof(text)));
    printf(", \"not_after\": ");
    lint_json_string(lint_iso(X509_get0_notAfter(x509), text, sizeof(text)));
    printf(", \"key\": ");
    lint_json_string(certlint_key_text(x509, text, sizeof(text)));
    printf(", \"signature\": ");
    lint_json_string(certlint_signature_text(x509));
    printf(", \"san\": [");
    lint_san(x509, text, sizeof(text), "\n");
    for (name = strtok_r(text, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
	lint_json_string(name);
	if (save != NULL && *save)
	    printf(", ");
    }
    printf("]}");
}

/* lint_print_json - the JSON object */
static void lint_print_json(const struct lint_seen *seen, const struct lint_report *report)
{
    size_t  i;
    int     n;

    printf("{\"source\": ");
    lint_json_string(seen->source);
    if (seen->protocol != NULL) {
	printf(", \"protocol\": ");
	lint_json_string(seen->protocol);
	printf(", \"cipher\": ");
	lint_json_string(seen->cipher ? seen->cipher : "");
    }
    printf(",\n \"chain\": [");
    for (n = 0; seen->chain != NULL && n < sk_X509_num(seen->chain); n++) {
	printf("%s\n  ", n ? "," : "");
	lint_cert_json(sk_X509_value(seen->chain, n), n);
    }
    printf("],\n \"findings\": [");
    for (i = 0; i < report->count; i++) {
	printf("%s\n  {\"id\": ", i ? "," : "");
	lint_json_string(report->findings[i].id);
	printf(", \"severity\": ");
	lint_json_string(lint_severity_name(report->findings[i].severity));
	printf(", \"depth\": %d, \"message\": ", report->findings[i].depth);
	lint_json_string(report->findings[i].message);
	printf("}");
    }
    printf("],\n \"errors\": %d, \"warnings\": %d, \"infos\": %d}\n", report->errors,
	   report->warnings, report->infos);
}

/* lint_print - the whole result */
void    lint_print(const struct lint_seen *seen, const struct lint_report *report, int json)
{
    const struct lint_finding *f;
    size_t  i;
    int     n;

    if (json) {
	lint_print_json(seen, report);
	return;
    }
    if (seen->protocol != NULL)
	printf("%s: %s, %s\n", seen->source, seen->protocol, seen->cipher ? seen->cipher : "");
    for (n = 0; seen->chain != NULL && n < sk_X509_num(seen->chain); n++)
	lint_cert_text(sk_X509_value(seen->chain, n), n);
    for (i = 0; i < report->count; i++) {
	f = report->findings + i;
	if (f->depth >= 0)
	    printf("%s %s depth=%d: %s\n", lint_severity_name(f->severity), f->id, f->depth,
		   f->message);
	else
	    printf("%s %s: %s\n", lint_severity_name(f->severity), f->id, f->message);
    }
    printf("%s: %d error%s, %d warning%s, %d info%s\n", seen->source, report->errors,
	   report->errors == 1 ? "" : "s", report->warnings, report->warnings == 1 ? "" : "s",
	   report->infos, report->infos == 1 ? "" : "s");
}
